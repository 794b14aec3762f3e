{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "sitrep.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name. */}}
{{- define "sitrep.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "sitrep.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sitrep.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "sitrep.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 }}
{{ include "sitrep.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: sitrep
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "sitrep.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
The services, in one place: key in .Values.services, resource suffix, CLI arguments, the
`stage` metric label, and which secrets each needs. Rendered as YAML and read back with fromYaml.
*/}}
{{- define "sitrep.services" -}}
collectorTelegram:
  component: collector-telegram
  args: [collect, telegram]
  stage: collect_telegram
  telegram: true
  database: false
collectorWire:
  component: collector-wire
  args: [collect, wire]
  stage: collect_wire
  telegram: false
  database: false
processor:
  component: processor
  args: [process]
  stage: process
  telegram: false
  database: false
sink:
  component: sink
  args: [sink]
  stage: sink
  telegram: false
  database: true
{{- end -}}

{{- define "sitrep.kafkaSasl" -}}
{{- if hasPrefix "SASL" .Values.kafka.security.protocol }}true{{ end -}}
{{- end -}}

{{- define "sitrep.kafkaTls" -}}
{{- if hasSuffix "SSL" .Values.kafka.security.protocol }}true{{ end -}}
{{- end -}}

{{/* Refuse settings that would break at runtime, with a message that says what to change. */}}
{{- define "sitrep.validate" -}}
{{- $sec := .Values.kafka.security -}}
{{- if and (include "sitrep.kafkaSasl" .) (not $sec.saslMechanism) -}}
{{- fail (printf "kafka.security.protocol=%s needs kafka.security.saslMechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)" $sec.protocol) -}}
{{- end -}}
{{- if and (include "sitrep.kafkaSasl" .) (or (not $sec.saslUsername) (not $sec.passwordSecret)) -}}
{{- fail (printf "kafka.security.protocol=%s needs kafka.security.saslUsername and kafka.security.passwordSecret (a Secret with the password)" $sec.protocol) -}}
{{- end -}}
{{- if and (include "sitrep.kafkaTls" .) (not $sec.tls.secret) -}}
{{- fail (printf "kafka.security.protocol=%s needs kafka.security.tls.secret (a Secret with the CA certificate)" $sec.protocol) -}}
{{- end -}}
{{- if and .Values.services.collectorTelegram.enabled (not .Values.telegram.secret) -}}
{{- fail "services.collectorTelegram needs telegram.secret (a Secret with the api hash and the session string); or set services.collectorTelegram.enabled=false" -}}
{{- end -}}
{{- $sinkGrace := int .Values.services.sink.terminationGracePeriodSeconds -}}
{{- $needed := addf .Values.sink.shutdownSeconds .Values.sink.batchSeconds -}}
{{- if le (float64 $sinkGrace) $needed -}}
{{- fail (printf "services.sink.terminationGracePeriodSeconds=%d must exceed sink.shutdownSeconds + sink.batchSeconds = %v, or Kubernetes kills the sink before it has flushed and committed" $sinkGrace $needed) -}}
{{- end -}}
{{- range $key := list "processor" "sink" -}}
{{- $svc := index $.Values.services $key -}}
{{- if and (not (and $.Values.keda.enabled (eq $key "processor"))) (gt (int $svc.replicas) (int $.Values.kafka.partitions)) -}}
{{- fail (printf "services.%s.replicas=%d exceeds kafka.partitions=%d: the extra consumers would get no partitions and never become ready" $key (int $svc.replicas) (int $.Values.kafka.partitions)) -}}
{{- end -}}
{{- end -}}
{{- if and (not .Values.database.urlSecret) (gt (int .Values.services.sink.replicas) 1) -}}
{{- fail "the SQLite fallback (no database.urlSecret) allows one sink replica only; set database.urlSecret for PostgreSQL" -}}
{{- end -}}
{{- end -}}
