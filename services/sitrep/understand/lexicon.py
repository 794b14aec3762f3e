"""The words that signal events, victims, numbers, dates, places' roles and attributions.

Each entry is a phrase (any of English, Arabic, Russian, Ukrainian, French) with a
:class:`Term`: what the phrase signals. Phrases are folded like every other key
(:func:`sitrep.understand.text.fold_phrase`), so spelling variants, Arabic hamza forms and
diacritics need no separate entries; Arabic clitics (و ف ب ل ك ال) and Slavic case endings are
handled by the matcher, so one form per word is enough.

Signals (``Term.kind == "cue"``; ``Term.value`` is the signal name):

- fighting: ``clash``, ``ambush``, ``attack`` (unspecified), ``capture``, ``recapture``,
  ``advance`` (entered, stormed), ``repel``, ``withdraw``, ``handover``, ``siege``;
- remote violence: ``air`` (air/drone strike), ``drone``, ``shell`` (artillery, rockets,
  missiles), ``ied``, ``suicide``, ``grenade``, ``chemical``, ``explosion`` (unspecified);
- against people: ``kill``, ``execute``, ``sniper``, ``gunfire``, ``abduct``, ``arrest``,
  ``rape``, ``torture``;
- crowds: ``protest``, ``riot``, ``mob``, ``disperse`` (tear gas, dispersed), ``live_fire``;
  ``gather`` (gathered, rally, تجمع, حشود): a protest only when a crowd of people gathers
  (the reader decides from the sentence);
- strategic: ``agreement``, ``ceasefire``, ``intercept``, ``defuse``, ``base``, ``change``,
  ``loot``, ``destroy``, ``displace``;
- outcomes: ``wound`` (injured), ``death`` (dead, killed as a result).

Other kinds: ``mod`` (negation, future, question...), ``victim`` (civilians, combatants...),
``party`` (generic actors: civilians, protesters, gunmen, police, army), ``num`` (number
words), ``vague`` (dozens, several), ``date`` (relative day words), ``weekday``, ``month``,
``daypart`` (late, overnight), ``loc`` (near, countryside, province...), ``say``/``according``
(attribution), ``deny``, ``source`` (media and monitors), ``genre`` (non-event posts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Term:
    """What a phrase means: ``kind`` and a ``value`` whose type depends on the kind."""

    kind: str
    value: object = None


def _split(phrases: str) -> list[str]:
    return [p.strip() for p in phrases.split("|") if p.strip()]


# -- event cues --------------------------------------------------------------------------------

CUES: Final[dict[str, str]] = {
    "clash": (
        "clash|clashes|clashed|clashing|fighting|fight|fought|battle|battles|battled|battling|"
        "firefight|firefights|gunfight|exchange of fire|exchanged fire|exchanges of fire|"
        "heavy fighting|fierce fighting|street fighting|skirmish|skirmishes|engaged|engagement|"
        "counterattack|counter-attack|assault|assaults|infiltration attempt|attempted infiltration|"
        "repelled|repulsed|thwarted an attack|combat|combats|hostilities|shootout|gun battle|"
        "inflicted heavy losses|inflicting heavy losses|inflicted losses|heavy losses|"
        "اشتباك|اشتباكات|اشتبكت|اشتبك|معارك|معركة|مواجهات|مواجهة|قتال|اقتتال|"
        "اشتباكات عنيفة|معارك عنيفة|هجوم معاكس|محاولة تسلل|محاولة تقدم|تصدت|تصدى|صد هجوم|"
        "صد|احباط محاولة|تبادل لإطلاق النار|تبادل إطلاق النار|الاشتباكات|المعارك|تشتبك|يشتبك|"
        "تكبدهم خسائر|كبدتهم خسائر|تكبيدهم خسائر|خسائر فادحة|خسائر كبيرة|"
        "бои|бой|боестолкновения|боестолкновение|столкновения|столкновение|перестрелка|"
        "перестрелки|штурм|штурмовые действия|контратака|контратаки|отразили атаку|"
        "отразили|отражены|атаки противника|наступление|боевые действия|"
        "бої|бій|зіткнення|штурмові дії|атаки|атак|відбили|відбито|"
        "боєзіткнення|боєзіткнень|наступальні дії|"
        "affrontements|affrontement|combats|combat|accrochage|accrochages|échanges de tirs|"
        "offensive|assaut|ont repoussé|repoussé"
    ),
    "ambush": "ambush|ambushed|ambushes|كمين|مكمن|засада|засаду|засідка|embuscade|embuscades",
    "attack": (
        "attack|attacks|attacked|attacking|raid|raids|raided|targeted|"
        "targeting|struck|strike on|hit|hitting|"
        "هجوم|هجمات|هاجم|هاجمت|هاجموا|استهداف|استهدف|استهدفت|استهدفوا|اعتداء|غزوة|إغارة|"
        "атака|атаку|атаковали|нападение|напали|удар|удары|нанесли удар|атакував|атакували|"
        "напад|удару|ударили|attaque|attaques|attaqué|attaquée|attaquent|ont attaqué"
    ),
    "capture": (
        "captured|capture|captures|capturing|seized|seize|seizing|seizure|took control|"
        "take control|taken control|taking control|gained control|seized control|full control|"
        "had taken|have taken|has taken|was taken|were taken|took full control|"
        "took over|taken over|overran|overrun|liberated|liberation|liberate|wrested control|"
        "سيطرة|سيطرة على|السيطرة على|سيطرت|سيطر|تسيطر|يسيطر|يسيطرون|بسط السيطرة|بسطت|فرض السيطرة|"
        "تحرير|حررت|حرر|يحرر|يحررون|تحررت|تحرر|محررة|محرر|انتزاع السيطرة|انتزعت|"
        "تمكنت من السيطرة|باتت تحت سيطرة|أصبحت تحت سيطرة|"
        "взяли под контроль|взяли|взят|взяты|заняли|занят|заняты|захватили|захвачен|захват|"
        "освобождён|освобожден|освободили|освобождение|перешел под контроль|установили контроль|"
        "контроль над|"
        "захопили|захоплено|окупували|окупація|зайняли|взяли під контроль|звільнили|звільнено|"
        "звільнення|"
        "ont pris le contrôle|pris le contrôle|prise de contrôle|ont pris|s'est emparé|"
        "se sont emparés|emparés|tombé aux mains|tombée aux mains|conquis|a conquis"
    ),
    "fall": (
        "fell to|fallen to|falls to|fall of|fell into the hands of|"
        "سقوط|سقطت|سقط بيد|سقطت بيد|пал|падение|впав|chute de|tombé"
    ),
    "recapture": (
        "recaptured|recapture|retook|retaken|retake|regained|regain|regained control|"
        "restored control|re-took|reclaimed|restore control|restored security|recovered|"
        "استعادة|استعادت|استعاد|تستعيد|يستعيد|استعادة السيطرة|إعادة السيطرة|أعادت السيطرة|استرجاع|"
        "استرجعت|"
        "вернули контроль|вернули|отбили|восстановили контроль|повернули контроль|повернули|"
        "відбили|відвоювали|reprise|repris|ont repris|reconquis|reprise de contrôle"
    ),
    "enter": (
        "entered|entering|enter|marched into|swept into|swept through|stormed|stormed into|"
        "broke into|pushed into|rolled into|moved into|breached|"
        "دخول|دخلت|دخل|دخلوا|يدخل|يدخلون|تدخل|اقتحام|اقتحمت|اقتحم|اقتحموا|يقتحم|يقتحمون|تقتحم|"
        "ворвались|вошли в|вошли|зайшли|увійшли|sont entrés|entrés|pénétré|ont pénétré"
    ),
    "advance": (
        "advanced|advance|advances|advancing|pushed toward|pushed towards|reached the outskirts|"
        "pushed deeper|progress|gains|offensive|offensives|push|"
        "تقدم|تقدمت|تتقدم|يتقدم|توغل|توغلت|وصلت|وصلوا|الوصول إلى|"
        "продвинулись|продвижение|наступают|продвигаются|просунулися|просування|"
        "avancée|ont avancé|progressé|progression"
    ),
    "withdraw": (
        "withdrew|withdrawn|withdrawal|withdraw|withdrawing|pulled out|pull out|pulling out|"
        "retreated|retreat|retreating|abandoned|abandon|evacuated their positions|pulled back|"
        "collapsed|collapse|redeployed|redeployment|repositioned|"
        "انسحاب|انسحبت|انسحب|انسحبوا|تنسحب|ينسحب|الانسحاب|فرار|فرت|فروا|هروب|انهيار|انهارت|"
        "إعادة انتشار|إعادة تموضع|أعادت تموضعها|"
        "отступили|отход|отошли|вышли из|вывод|покинули|відступили|вихід|відійшли|"
        "retrait|se sont retirés|retirés|retiré|repli|se sont repliés"
    ),
    "handover": (
        "handed over|hand over|handing over|handover|hand-over|surrendered|surrender|"
        "without a fight|without resistance|without fighting|with no fighting|there was no fighting|"
        "negotiated exit|"
        "تسليم|سلمت|سلم|تسلم|تسلمت|استلام|استلمت|دون قتال|دون مقاومة|بدون قتال|بدون مقاومة|"
        "استسلام|استسلمت|"
        "передали|передача|сдались|сдача|без боя|без сопротивления|здалися|без бою|"
        "remis|remise|sans combat|sans résistance|se sont rendus|reddition"
    ),
    "siege": "besieged|siege|encircled|encirclement|حصار|حاصرت|محاصرة|окружение|оточення|encerclé",
    "air": (
        "airstrike|airstrikes|air strike|air strikes|air raid|air raids|airstrikes on|"
        "air attack|air attacks|air bombardment|aerial bombardment|bombing raid|bombing raids|"
        "warplanes|warplane|fighter jets|jets|aircraft|helicopter|helicopters|helicopter gunships|"
        "barrel bomb|barrel bombs|bombed|bombing|bombings|bombarded|bombardment|"
        "guided bomb|guided bombs|glide bomb|glide bombs|aerial bomb|aerial bombs|precision strikes|"
        "strikes hit|strike hit|strikes targeted|strike targeted|strikes struck|strike struck|"
        "غارة|غارات|غارة جوية|غارات جوية|قصف جوي|القصف الجوي|الطيران الحربي|طيران حربي|"
        "الطائرات الحربية|طائرات حربية|المقاتلات|مقاتلات|مروحي|مروحية|مروحيات|براميل متفجرة|"
        "برميل متفجر|البراميل|الطيران|طيران|الطائرات|طائرات|قصفت الطائرات|شن غارات|شنت غارات|"
        "авиаудар|авиаудары|авианалет|авианалёт|бомбардировка|бомбардировки|авиация|"
        "самолеты|самолёты|вертолеты|вертолёты|авиабомбы|КАБ|КАБы|авіаудар|авіаудари|"
        "авіабомби|авіація|бомбардування|керовані авіабомби|"
        "frappe aérienne|frappes aériennes|raid aérien|raids aériens|bombardement aérien|"
        "bombardements aériens|aviation|avions|hélicoptère|hélicoptères"
    ),
    "drone": (
        "drone|drones|drone strike|drone strikes|drone attack|drone attacks|UAV|UAVs|"
        "kamikaze drone|kamikaze drones|suicide drone|suicide drones|loitering munition|"
        "Shahed|Shaheds|Geran|FPV|FPV drone|quadcopter|quadcopters|"
        "مسيرة|مسيرات|طائرة مسيرة|طائرات مسيرة|الطائرات المسيرة|مسيرة انتحارية|"
        "مسيرات انتحارية|درون|درونات|الدرون|طائرة بدون طيار|طائرات بدون طيار|شاهد|"
        "дрон|дроны|беспилотник|беспилотники|БПЛА|ударный БПЛА|ударные БПЛА|FPV-дрон|"
        "FPV-дроны|Шахед|Шахеды|Герань|Герани|ударних БпЛА|БпЛА|безпілотник|безпілотники|"
        "дронів|дрони|ударні дрони|шахеди|"
        "drone|drones|frappe de drone|frappes de drones|drone kamikaze"
    ),
    "shell": (
        "shelling|shelled|shells|shell|artillery|artillery fire|artillery shelling|mortar|"
        "mortars|mortar shells|mortar fire|rocket|rockets|rocket fire|rocket attack|"
        "rocket attacks|missile|missiles|missile strike|missile strikes|missile attack|"
        "missile attacks|ballistic missile|ballistic missiles|cruise missile|cruise missiles|"
        "MLRS|Grad|Grad rockets|multiple rocket launchers|rocket launchers|Iskander|"
        "Kalibr|Kh-101|S-300|heavy weapons|tank fire|tank shells|projectiles|"
        "قصف|قصفت|قصفا|قصف مدفعي|قصف صاروخي|القصف|القصف المدفعي|القصف الصاروخي|"
        "استهداف مدفعي|قذيفة|قذائف|قذائف هاون|هاون|صاروخ|صواريخ|صاروخية|صاروخي|راجمات|"
        "راجمات الصواريخ|المدفعية|مدفعية|مدفعي|الدبابات|دبابة|صواريخ غراد|غراد|"
        "обстрел|обстрелы|обстреляли|обстрелял|обстрелу|артобстрел|артиллерия|"
        "артиллерийский|минометный|миномётный|минометы|ракетный удар|ракетные удары|ракета|"
        "ракеты|ракетами|РСЗО|Град|Искандер|Калибр|снаряды|снаряд|обстріл|обстріли|"
        "обстріляли|артилерія|артобстріл|мінометний|ракетний удар|ракетні удари|ракети|"
        "ракетами|балістичні ракети|крилаті ракети|РСЗВ|снаряди|"
        "bombardement|bombardements|bombardé|obus|tirs d'artillerie|artillerie|roquettes|"
        "roquette|missile|missiles|tirs de mortier|mortier"
    ),
    "ied": (
        "IED|IEDs|improvised explosive device|improvised explosive devices|roadside bomb|"
        "roadside bombs|landmine|landmines|land mine|land mines|mine|mines|car bomb|car bombs|"
        "booby-trapped|booby trap|explosive device|explosive devices|bomb blast|vehicle-borne|"
        "VBIED|motorcycle bomb|explosive-laden|detonated|remnants of war|unexploded|"
        "unexploded ordnance|cluster munitions|"
        "عبوة ناسفة|عبوات ناسفة|عبوة|عبوات|لغم|ألغام|لغم أرضي|الغام|سيارة مفخخة|مفخخة|"
        "دراجة مفخخة|مفخخ|انفجار عبوة|انفجار لغم|مخلفات الحرب|مخلفات حرب|قنبلة عنقودية|"
        "ذخائر غير منفجرة|"
        "СВУ|самодельное взрывное устройство|мина|мины|фугас|подрыв|подорвался|подорвались|"
        "заминированный|заминирован|вибухівка|міна|міни|підрив|підірвався|"
        "engin explosif|engin explosif improvisé|EEI|mine|mines|voiture piégée|véhicule piégé|"
        "mine artisanale|engins explosifs"
    ),
    "suicide": (
        "suicide bomber|suicide bombers|suicide bombing|suicide attack|suicide attacks|"
        "suicide car bomb|suicide vest|blew himself up|blew herself up|"
        "انتحاري|انتحارية|هجوم انتحاري|تفجير انتحاري|عملية انتحارية|فجر نفسه|حزام ناسف|"
        "смертник|смертница|теракт-самоподрыв|самоподрыв|подорвал себя|"
        "kamikaze|attentat-suicide|attentat suicide|kamikazes"
    ),
    "grenade": "grenade|grenades|hand grenade|قنبلة يدوية|قنابل يدوية|رمانة يدوية|граната|гранаты|гранату|grenade à main",
    "chemical": (
        "chemical attack|chemical weapons|chemical weapon|chlorine|sarin|toxic gas|nerve agent|"
        "هجوم كيماوي|كيماوي|الكيماوي|أسلحة كيماوية|غاز الكلور|السارين|غازات سامة|"
        "химическое оружие|химическая атака|хлор|зарин|attaque chimique|armes chimiques"
    ),
    "explosion": (
        "explosion|explosions|blast|blasts|exploded|blew up|blown up|detonation|"
        "انفجار|انفجارات|تفجير|تفجيرات|دوي انفجار|انفجرت|انفجر|"
        "взрыв|взрывы|прогремел взрыв|прогремели взрывы|вибух|вибухи|пролунали вибухи|"
        "explosion|explosions|déflagration"
    ),
    "kill": (
        "killed|kill|kills|killing|slain|slaughtered|massacre|massacred|massacres|murdered|"
        "murder|shot dead|gunned down|shot and killed|stabbed to death|"
        "claimed the lives|took the lives|"
        "قتل|قتلت|قتلوا|مقتل|قتيل|قتلى|قتيلا|قتيلان|قتيلين|استشهاد|استشهد|استشهدوا|شهيد|"
        "شهداء|شهيدا|شهيدان|شهيدين|مجزرة|مجازر|ارتكبت مجزرة|اغتيال|اغتالت|اغتال|تصفية|"
        "صرعى|لقي حتفه|لقوا حتفهم|لقي مصرعه|لقوا مصرعهم|مصرع|ضحايا|ضحية|أودى بحياة|يقتل|تقتل|يقتلون|"
        "يغتال|تغتال|يغتالون|"
        "убиты|убит|убиты|убили|убийство|погибли|погиб|погибла|погибших|гибель|жертвы|"
        "жертв|ликвидированы|ликвидировано|уничтожены|уничтожено|загинули|загинув|загинула|"
        "загиблих|загибель|вбили|вбито|вбив|жертви|жертв|ліквідовано|знищено|"
        "tués|tué|tuée|tuées|tuer|ont tué|massacre|massacrés|morts|mort|décès|assassiné|"
        "assassinat"
    ),
    "execute": (
        "executed|execution|executions|summary execution|summarily executed|field execution|"
        "إعدام|أعدم|أعدمت|إعدامات|إعدام ميداني|تصفية ميدانية|أعدموا|"
        "расстрел|расстреляли|казнь|казнили|розстріл|розстріляли|exécuté|exécutés|exécution|"
        "exécutions sommaires"
    ),
    "sniper": "sniper|snipers|sniper fire|قناص|قناصة|قنص|برصاص قناص|снайпер|снайпера|снайпер|tireur d'élite|sniper",
    "gunfire": (
        "gunfire|gunmen opened fire|opened fire|shot|shooting|shootings|gunshot|gunshots|"
        "live fire|live ammunition|fired on|fired at|"
        "إطلاق نار|اطلاق نار|أطلق النار|أطلقوا النار|برصاص|رصاص|بالرصاص|الرصاص الحي|"
        "رصاص حي|طلق ناري|طلقات نارية|"
        "обстреляли из стрелкового|открыли огонь|стрельба|застрелили|застрелен|вогонь|"
        "відкрили вогонь|застрелили|tirs|coups de feu|ont ouvert le feu|abattu|abattus|tiré"
    ),
    "abduct": (
        "kidnapped|kidnapping|kidnap|abducted|abduction|abductions|abduct|forcibly disappeared|"
        "disappeared|hostage|hostages|taken hostage|held captive|seized hostage|"
        "اختطاف|اختطفت|اختطف|يختطف|يختطفون|تختطف|خطف|خطفت|يخطف|مختطف|مختطفين|المختطفين|"
        "إخفاء قسري|اخفاء قسري|"
        "رهائن|رهينة|احتجاز رهائن|"
        "похищены|похищен|похитили|похищение|заложники|заложников|викрали|викрадення|"
        "заручники|enlevé|enlevés|enlèvement|enlèvements|otages|pris en otage|kidnappé"
    ),
    "arrest": (
        "arrested|arrest|arrests|arresting|detained|detention|detentions|rounded up|"
        "arrest campaign|raid and arrest|detaining|taken into custody|apprehended|"
        "اعتقال|اعتقلت|اعتقل|اعتقالات|حملة اعتقالات|حملة مداهمات|مداهمة|مداهمات|داهمت|"
        "احتجاز|احتجزت|توقيف|أوقفت|القبض|ألقت القبض|إلقاء القبض|القت القبض|"
        "يعتقل|تعتقل|يعتقلون|اعتقلوا|يحتجز|تحتجز|يداهم|تداهم|يلقي القبض|تلقي القبض|"
        "задержан|задержаны|задержали|задержание|арестован|арестованы|арест|аресты|"
        "задержаны|затримали|затримано|затримання|арештовано|заарештували|"
        "arrêté|arrêtés|arrestation|arrestations|interpellé|interpellés|interpellation"
    ),
    "rape": (
        "raped|rape|rapes|sexual violence|sexual assault|sexually assaulted|gang rape|"
        "اغتصاب|اغتصبت|عنف جنسي|اعتداء جنسي|изнасилование|изнасиловали|зґвалтування|viol|"
        "viols|violences sexuelles"
    ),
    "torture": "tortured|torture|تعذيب|عذبت|пытки|катування|torture|torturé",
    "lynch": "beat to death|beaten to death|lynched|lynching|سحل|ضربا حتى الموت",
    "protest": (
        "protest|protests|protested|protesting|protesters|protestors|demonstration|"
        "demonstrations|demonstrators|demonstrated|protest march|protest rally|"
        "sit-in|sit-ins|vigil|strike action|general strike|took to the streets|"
        "crowds gathered|chanting|"
        "مسيرة شعبية|مسيرات شعبية|مسيرة حاشدة|مسيرة جماهيرية|هتفوا|"
        "مظاهرة|مظاهرات|تظاهرة|تظاهرات|تظاهر|تظاهروا|متظاهرين|متظاهرون|المتظاهرين|"
        "احتجاج|احتجاجات|احتجاجية|وقفة احتجاجية|اعتصام|اعتصامات|مسيرة احتجاجية|"
        "خرجوا في مظاهرة|إضراب|اضراب|"
        "протест|протесты|протестующие|митинг|митинги|демонстрация|акция протеста|пикет|"
        "протест|протести|мітинг|акція протесту|"
        "manifestation|manifestations|manifestants|manifesté|sit-in|grève"
    ),
    # words that name a gathering only when a crowd of people gathers ("thousands gathered in
    # the square") — not forces massing, people gathering things, or a strike's target
    "gather": (
        "gathered|gathering|gatherings|rally|rallies|rallied|march|marched|marches|"
        "celebrated|celebrating|celebrations|"
        "حشود|تحتفل|يحتفلون|احتفالات|تجمع|تجمعوا|تجمعات|وقفة|"
        "rassemblement|rassemblements|marche"
    ),
    "riot": (
        "riot|riots|rioting|rioters|violent protest|violent protests|threw stones|"
        "hurled stones|pelted|burned tyres|burned tires|burning tyres|burning tires|vandalized|"
        "set tyres ablaze|set tires ablaze|stormed the governorate|stormed the building|"
        "أعمال شغب|شغب|مشاغبين|رشق بالحجارة|رشقوا|يرشقون|الحجارة|حرق إطارات|يحرقون الإطارات|"
        "أحرقوا|إحراق|يضرمون النار|أضرموا النار|"
        "беспорядки|массовые беспорядки|погромы|заворушення|émeute|émeutes|émeutiers|"
        "incendié|jets de pierres"
    ),
    "mob": (
        "mob|mobs|lynched|lynching|vigilante|vigilantes|angry crowd|crowd attacked|"
        "حشد غاضب|سحل|اعتداء جماعي|самосуд|толпа|самосуд|foule|lynchage|lynché"
    ),
    "disperse": (
        "dispersed|disperse|tear gas|teargas|water cannon|water cannons|rubber bullets|"
        "broke up|cracked down|crackdown|batons|beat protesters|"
        "تفريق|فرقت|الغاز المسيل للدموع|غاز مسيل للدموع|قنابل الغاز|خراطيم المياه|الرصاص المطاطي|"
        "قمع|قمعت|разогнали|разгон|слезоточивый газ|водомет|розігнали|dispersé|dispersés|"
        "gaz lacrymogène|gaz lacrymogènes|canon à eau"
    ),
    "agreement": (
        "agreement|agreements|agreed|deal|accord|reconciliation deal|settlement deal|"
        "settlement agreement|memorandum of understanding|prisoner swap|prisoner exchange|"
        "exchange of prisoners|exchanged|handover deal|"
        "اتفاق|اتفاقا|اتفاقية|اتفقت|اتفق|توافق|تفاهم|تفاهمات|تسوية|مصالحة|تبادل أسرى|"
        "صفقة تبادل|وقعت اتفاق|توقيع اتفاق|"
        "соглашение|соглашения|договоренность|договорённость|договорились|обмен пленными|"
        "угода|домовленість|домовилися|обмін полоненими|"
        "accord|accords|échange de prisonniers|réconciliation"
    ),
    "ceasefire": (
        "truce|ceasefire|cease-fire|armistice|هدنة|وقف إطلاق النار|وقف اطلاق النار|"
        "перемирие|прекращение огня|перемир'я|припинення вогню|cessez-le-feu|trêve"
    ),
    "in_force": (
        "took effect|takes effect|came into force|comes into force|entered into force|"
        "came into effect|went into effect|into effect|reached an agreement|"
        "حيز التنفيذ|دخل حيز التنفيذ|التوصل إلى اتفاق|التوصل الى اتفاق|توصل|توصلت|"
        "вступило в силу|вступил в силу|набуло чинності|entré en vigueur|est entré en vigueur"
    ),
    "intercept": (
        "intercepted|intercept|interception|shot down|downed|shoots down|"
        "destroyed in the air|jammed|lost in location|air defences destroyed|"
        "air defenses destroyed|air defence destroyed|air defense destroyed|"
        "air defence systems destroyed|air defense systems destroyed|"
        "air defence units destroyed|air defense units destroyed|"
        "اعترضت|اعتراض|اسقاط|إسقاط|أسقطت|أسقط|تسقط|يسقط|تصدت الدفاعات|تصدت الدفاعات الجوية|"
        "сбиты|сбит|сбили|перехвачены|перехвачен|перехватили|уничтожены в воздухе|"
        "перехвачены и уничтожены|подавлены РЭБ|ПВО уничтожили|средствами ПВО уничтожены|"
        "збито|збили|знищено в повітрі|перехоплено|локаційно втрачені|"
        "intercepté|interceptés"
    ),
    "defuse": (
        "defused|defuse|dismantled|dismantle|disarmed|cleared mines|demining|seized weapons|"
        "weapons cache|arms cache|seized a cache|"
        "تفكيك|فككت|تفكيك عبوة|إزالة الألغام|نزع الألغام|مخزن أسلحة|ضبط أسلحة|مستودع أسلحة|"
        "обезврежен|обезвредили|разминирование|разминировали|схрон|знешкоджено|розмінування|"
        "désamorcé|déminage|cache d'armes"
    ),
    "base": (
        "established a base|set up a base|set up base|new base|military base|new outpost|"
        "observation post|established a position|set up positions|built a base|opened a base|"
        "set up checkpoints|set up a checkpoint|established checkpoints|"
        "established positions|new headquarters|set up headquarters|"
        "نقطة عسكرية|قاعدة عسكرية|قاعدة جديدة|أنشأت قاعدة|إنشاء قاعدة|نقاط عسكرية|"
        "أقامت نقطة|أقامت قاعدة|مقرا جديدا|نصب حواجز|نصبت حواجز|أقامت حاجزا|"
        "создали базу|новую базу|створили базу|nouvelle base|installé une base"
    ),
    "change": (
        "dissolved|dissolve|dissolution|merged|merger|announced the formation|formed a new|"
        "was formed|defected|defection|defections|joined the ranks|"
        "disbanded|integrated into|rebranded|"
        "حلت نفسها|حل نفسه|اندماج|اندمجت|أعلنت تشكيل|الإعلان عن تشكيل|انشقاق|انشق|انشقت|"
        "انشقاقات|انضمام|انضمت|انضم|"
        "распущен|распустили|объединились|слияние|сформировали|перешли на сторону|"
        "розпущено|об'єдналися|dissous|dissolution|fusion|défection|a fait défection"
    ),
    "loot": (
        "looted|looting|looters|plundered|plunder|pillaged|pillage|ransacked|stole|stolen|"
        "burned houses|burned homes|torched homes|torched houses|set ablaze|demolished|"
        "demolition|bulldozed|razed|vandalised|vandalized|blew up houses|destroyed homes|"
        "torn down|tore down|toppled a statue|toppled the statue|statue was toppled|"
        "destroyed houses|property destruction|"
        "نهب|نهبت|ينهب|ينهبون|تنهب|سرقة|سرقت|تعفيش|سلب|حرق منازل|أحرقت منازل|إحراق منازل|هدم|"
        "هدمت|تجريف|تحطيم|يحطمون|حطموا|"
        "جرفت|تفجير منازل|فجرت منازل|"
        "мародерство|мародеры|разграбили|грабеж|снесли|сожгли дома|мародерство|пограбували|"
        "pillage|pillé|pillés|pillages|incendié des maisons|démoli|démolition"
    ),
    "destroy": (
        "destroyed|destroy|destruction|damaged|damage|burned|burnt|set on fire|"
        "دمرت|دمر|تدمير|أضرار|احتراق|حريق|حرائق|اندلاع حريق|"
        "уничтожен|уничтожены|разрушены|повреждены|повреждения|пожар|знищено|зруйновано|"
        "пошкоджено|пошкодження|пожежа|détruit|détruits|endommagé|endommagés|incendie"
    ),
    "displace": (
        "were displaced|have been displaced|has displaced|had been displaced|displacement|fled|"
        "fled their homes|exodus|evacuated|evacuation|evacuations|forced to flee|"
        "displacement wave|mandatory evacuation|"
        "نزوح|نزح|نزحت|موجة نزوح|تهجير|هجرت|فرار المدنيين|إخلاء|"
        "беженцы|эвакуация|эвакуировали|переселенцы|біженці|евакуація|евакуювали|"
        "déplacés|déplacement|fuir|exode|réfugiés|évacuation"
    ),
    "noise": (
        "fell to a|fell to its|fell to the lowest|fell to record|controlled detonation|"
        "controlled explosion|explosion was heard|explosions were heard|heard explosions|"
        "sound of explosions|displacement camp|displacement camps|IDP camp|camp for displaced|"
        "air defence sites|air defense sites|air defence systems|air defense systems|"
        "drone footage|captured by our photographer|"
        "سماع دوي|دوي انفجار|مخيم للنازحين|مخيمات النازحين|تفجير مضبوط|مناطق سيطرة|"
        "دخول اتفاق|دخول الاتفاق|دخول الهدنة|دخول وقف إطلاق النار|دخول قرار|"
        "مناطق السيطرة|خريطة السيطرة|تحت سيطرة|خاضعة لسيطرة|الخاضعة لسيطرة|مناطق نفوذ|"
        "إسقاط النظام|إسقاط الحكومة|إسقاط المجالس|إسقاط المجلس|بإسقاط النظام|"
        "toppling of|topple the"
    ),
    "wound": (
        "wounded|injured|injuring|injuries|wounding|hurt|wounds|injures|injure|casualties|"
        "جرحى|جريح|جرح|إصابة|إصابات|أصيب|أصيبوا|مصاب|مصابين|المصابين|الجرحى|جراح|"
        "ранены|ранен|ранения|раненых|пострадали|пострадавших|поранені|поранено|травмовано|"
        "постраждали|постраждалих|blessés|blessé|blessures"
    ),
}

# A death word (killed, dead) that counts for fatalities but is not an event cue by itself
DEATH_WORDS: Final = (
    "dead|died|die|dies|deaths|death|fatalities|fatality|bodies|body|lost their lives|"
    "lost his life|death toll|toll|killed|killing|kills|slain|massacre|massacred|executed|"
    "shot dead|gunned down|murdered|lives|perished|martyred|martyrs|martyr|"
    "قتلى|قتيل|قتيلا|قتيلان|قتيلين|مقتل|قتل|شهداء|شهيد|شهيدا|شهيدان|شهيدين|استشهاد|"
    "استشهد|استشهدوا|وفاة|وفيات|حصيلة|جثث|جثة|جثمان|ضحايا|ضحية|صرعى|حتفهم|حتفه|مصرع|"
    "مصرعهم|أعدم|إعدام|أودى بحياة|"
    "погибли|погиб|погибла|погибших|убиты|убит|убито|жертвы|жертв|тела|погибшие|"
    "загинули|загинув|загинула|загиблих|загиблі|вбито|вбиті|жертви|жертв|тіла|"
    "tués|tué|tuée|morts|mort|décès|victimes|corps"
)
INJURY_WORDS: Final = (
    "wounded|injured|injuring|injuries|wounding|hurt|injures|injure|wounds|"
    "جرحى|جريح|إصابة|إصابات|أصيب|أصيبوا|مصاب|مصابين|المصابين|الجرحى|"
    "ранены|ранен|ранения|раненых|пострадали|поранені|поранено|травмовано|blessés|blessé"
)
TOLL_WORDS: Final = (
    "death toll|toll|الحصيلة|حصيلة|حصيلة القتلى|число погибших|кількість загиблих|bilan"
)

# -- modifiers --------------------------------------------------------------------------------

MODIFIERS: Final[dict[str, str]] = {
    "neg": (
        "no|not|never|nor|without|denied|deny|denies|did not|didn't|has not|hasn't|have not|"
        "haven't|no casualties|no injuries|no damage|no one|nobody|false|fake|"
        "لم|لا|ليس|لن|بدون|دون|غير صحيح|نفى|نفت|ينفي|تنفي|لا صحة|عار عن الصحة|"
        "не|нет|ни|никаких|ні|немає|жодних|"
        "pas|aucun|aucune|jamais|démenti|dément"
    ),
    "future": (
        "will|would|could|may|might|shall|plans|plan|planned|planning|intends|intend|"
        "intention|threat|threats|prepare|prepares|preparing|preparations|expected to|"
        "likely to|about to|"
        "possible|potential|imminent|looming|aims to|seeks to|ready to|to retake|to capture|"
        "to seize|to take|to recapture|to storm|in a bid to|bid to|attempt to|attempting to|"
        "trying to|tried to|sought to|seeking to|if|unless|until|fears|fear|feared|amid fears|"
        "expects|expected|"
        "سوف|سيتم|ستقوم|سيقوم|ستبدأ|سيبدأ|يعتزم|تعتزم|يخطط|تخطط|تهديد|"
        "تهديدات|تستعد|يستعد|استعدادات|تحضيرات|تحشد|يحشد|محتمل|مرتقب|"
        "قد|ربما|من المتوقع|متوقع|يسعى|تسعى|إذا|اذا|لو|حتى|مخاوف|خشية|"
        "будет|будут|планирует|планируют|собирается|может|могут|готовится|"
        "буде|будуть|планує|може|готується|"
        "va|vont|pourrait|pourraient|prévoit|envisage|prépare|si"
    ),
    "question": "?|؟|what if|why|how|whether|هل|لماذا|كيف|ماذا|почему|как|чи|чому|pourquoi|est-ce",
    "call": (
        "calls for|called for|calls on|called on|urged|urges|urging|appeal|appealed|demands|"
        "demanded|demanding|demand|must stop|المطالبة|للمطالبة|مطالبين|مطالبة|"
        "should|يدعو|دعا|دعت|تدعو|طالب|طالبت|يطالب|ناشد|ناشدت|يجب|призвал|призвали|закликав|"
        "appelle|appelé|exhorte"
    ),
    "history": (
        "anniversary|years ago|decade ago|in 2011|in 2012|in 2013|in 2014|in 2015|in 2016|"
        "in 2017|in 2018|in 2019|in 2020|in 2021|in 2022|since 2011|since 2012|since 2016|"
        "since 2020|remember|recall|recalled|recalls|flashback|on this day|historically|"
        "a day after|days after|a week after|weeks after|hours after|since the start|"
        "since the beginning|"
        "ذكرى|الذكرى|قبل سنوات|قبل عام|في مثل هذا اليوم|عام 2012|عام 2016|عام 2013|عام 2020|"
        "بعد يوم من|"
        "منذ عام|годовщина|лет назад|років тому|річниця|anniversaire|il y a"
    ),
    "background": (
        "a day after|days after|a week after|weeks after|hours after|to celebrate|celebrate|"
        "video showing|video shows|footage showing|footage shows|after a video|احتفالا|"
        "احتفالاً|فيديو يظهر|مقطع مصور|بعد يوم من|بعد أيام من"
    ),
    "threat": (
        "warned|warns|warning|threatened|threatens|threaten|vowed|vows|pledged|"
        "يهدد|تهدد|هدد|هددت|توعد|توعدت|يتوعد|угрожает|угрожают|пригрозил|погрожує|"
        "menace|a menacé"
    ),
    "also": "also|another|additional|separately|meanwhile|كما|أيضا|ايضا|كذلك|وفي سياق|также|також|aussi|également",
    "toll": TOLL_WORDS,
    "flee": "fleeing|escape|escaping|escaped|fled from|هربا|هروبا|فرارا|هربا من|спасаясь|рятуючись|fuyant",
    "report_of": (
        "reports of|reported|reportedly|allegedly|alleged|unconfirmed|rumours|rumors|"
        "أنباء|أنباء عن|معلومات عن|أنباء غير مؤكدة|يشاع|сообщения о|повідомлення про|"
        "selon des informations"
    ),
}

STRONG_GENRES: Final[dict[str, str]] = {
    "analysis": "analysis|تحليل|تحليل إخباري|قراءة تحليلية|аналитика|аналіз|analyse",
    "opinion": "opinion|op-ed|رأي|مقال رأي|وجهة نظر|мнение|думка|tribune|point de vue",
    "commentary": "commentary|تعليق|комментарий|коментар|commentaire",
    "editorial": "editorial|افتتاحية|редакционная|éditorial",
    "explainer": (
        "explainer|what we know|things to know|what to know|thread|map update|"
        "photo gallery|in pictures|ما نعرفه|خريطة|خريطة توضح|что известно|що відомо|"
        "ce que l'on sait"
    ),
}
"""Marks of a piece that discusses events rather than reports one (checked at its start)."""

GENRE: Final = (
    "subscribe|subscribers|join us|join our channel|follow us|follow our|link in bio|"
    "click here|sponsored|advertisement|promo|promotion|discount|giveaway|donate|donation|"
    "support our work|our website|good morning|good night|happy new year|eid mubarak|"
    "ramadan kareem|merry christmas|congratulations|congrats|happy birthday|thank you|"
    "thanks to our|weather|forecast|prayer times|schedule|timetable|live stream|watch live|"
    "live coverage|podcast|webinar|episode|newsletter|analysis|opinion|op-ed|commentary|"
    "editorial|explainer|what we know|in pictures|photo gallery|quiz|poll|vote|"
    "press conference will|will hold a press conference|briefing will|on the agenda|"
    "اشترك|اشتركوا|انضموا|انضم إلى قناتنا|تابعونا|تابعوا|رابط القناة|الرابط|رابط|إعلان|"
    "اعلان|عرض خاص|خصم|تبرع|تبرعوا|ادعمونا|صباح الخير|مساء الخير|تصبحون على خير|"
    "عيد مبارك|كل عام وأنتم بخير|رمضان كريم|جمعة مباركة|جمعة طيبة|مبروك|تهنئة|"
    "شكرا|الطقس|حالة الطقس|مواقيت الصلاة|بث مباشر|البث المباشر|حلقة|برنامج|تحليل|"
    "رأي|مقال رأي|قراءة في|استطلاع|تصويت|مؤتمر صحفي|سيعقد|"
    "подписывайтесь|подписаться|подпишись|наш канал|реклама|розыгрыш|скидка|доброе утро|"
    "с праздником|поздравляем|прогноз погоды|аналитика|мнение|підписуйтесь|підписатися|"
    "наш канал|реклама|добрий ранок|вітаємо|"
    "abonnez-vous|abonnez|suivez-nous|publicité|bon matin|bonne année|analyse|éditorial|"
    "tribune|point de vue"
)

# -- victims and generic parties --------------------------------------------------------------

VICTIMS: Final[dict[str, str]] = {
    "civilian": (
        "civilian|civilians|resident|residents|people|person|persons|child|children|kids|"
        "woman|women|girl|girls|boy|boys|man|men|young man|young men|family|families|farmer|"
        "farmers|shepherd|merchant|trader|detainees|organisers|organizers|"
        "shepherds|worker|workers|student|students|teacher|doctor|doctors|nurse|paramedic|"
        "paramedics|journalist|journalists|aid worker|aid workers|villagers|passers-by|"
        "displaced people|IDPs|worshippers|patients|elderly|infant|baby|"
        "مدني|مدنيين|مدنيون|المدنيين|مدنية|أطفال|طفل|طفلة|الأطفال|نساء|امرأة|سيدة|مواطن|"
        "مواطنين|مواطنا|مواطنة|أهالي|الأهالي|عائلة|أسرة|مزارع|مزارعين|راعي|رعاة|عامل|عمال|"
        "طالب|طلاب|معلم|طبيب|أطباء|ممرض|مسعف|مسعفين|صحفي|صحفيين|إعلامي|شخص|أشخاص|تاجر|"
        "تاجرا|شبان|الشبان|شابين|"
        "شخصين|شخصا|النازحين|نازحين|مصلين|مرضى|مسن|رضيع|شاب|شبان|رجل|رجال|فتاة|فتى|"
        "мирные жители|мирных жителей|мирный житель|мирного жителя|гражданские|"
        "гражданских|жители|жителей|житель|человек|люди|дети|детей|ребенок|ребёнок|"
        "женщина|женщин|мирних жителів|мирні жителі|цивільні|цивільних|цивільний|"
        "людей|люди|людина|дітей|діти|дитина|жінка|жінок|мешканці|мешканців|"
        "civil|civils|habitants|habitant|personnes|personne|enfants|enfant|femmes|femme|"
        "villageois|bergers|orpailleurs|fidèles"
    ),
    "combatant": (
        "soldier|soldiers|troops|fighter|fighters|militant|militants|insurgent|"
        "insurgents|rebel|rebels|officer|officers|member|members|personnel|servicemen|"
        "serviceman|guards|guard|policeman|policemen|police officers|conscripts|recruits|"
        "commander|commanders|militiamen|militiaman|jihadists|jihadist|terrorists|terrorist|"
        "combatants|mercenaries|operatives|elements|"
        "عنصر|عناصر|عنصرا|عنصرين|عنصران|جندي|جنود|جنديا|جنديين|مقاتل|مقاتلين|مقاتلا|"
        "مقاتلون|ضابط|ضباط|ضابطا|قائد|قيادي|قياديين|إرهابي|إرهابيين|"
        "إرهابيا|مرتزقة|مرتزق|عسكري|عسكريين|عسكريا|مجند|مجندين|شرطي|عناصر الأمن|"
        "солдат|солдаты|солдата|военнослужащий|военнослужащих|военные|военных|боевик|"
        "боевиков|боевики|наемников|наёмников|террористов|боец|бойцов|офицер|офицеров|"
        "військовий|військових|військові|бійці|бійців|окупантів|окупанта|солдатів|"
        "найманців|ворожих|"
        "soldat|soldats|militaires|militaire|combattants|combattant|jihadistes|terroristes|"
        "assaillants|djihadistes|gendarmes|policiers"
    ),
}

PARTIES: Final[dict[str, str]] = {
    "civilians": "civilians|civilian|residents|villagers|مدنيين|المدنيين|مدنيون|الأهالي|أهالي|мирные жители|мирних жителів|цивільних|civils|villageois",
    "protesters": "protesters|protestors|demonstrators|marchers|متظاهرين|المتظاهرين|متظاهرون|المحتجين|محتجين|протестующие|протестующих|протестувальники|manifestants",
    "rioters": "rioters|mob|مشاغبين|погромщики|émeutiers",
    "gunmen": (
        "gunmen|unidentified gunmen|unknown gunmen|armed men|masked gunmen|unknown assailants|"
        "assailants|attackers|unidentified attackers|مسلحون|مسلحين|مسلحين مجهولين|مجهولون|"
        "مجهولين|مسلحون مجهولون|أشخاص مجهولين|ملثمين|ملثمون|неизвестные|неизвестные вооруженные|"
        "невідомі|hommes armés|individus armés|assaillants|inconnus|hommes armés non identifiés"
    ),
    "police": "police|policemen|police officers|security forces|الشرطة|عناصر الشرطة|قوات الأمن|الأمن العام|полиция|полицейские|поліція|police|gendarmerie|forces de sécurité",
    "army": "army|the army|troops|soldiers|military|الجيش|جنود|армия|войска|армія|l'armée|armée|soldats",
}

# -- numbers ----------------------------------------------------------------------------------

NUMBER_WORDS: Final[dict[str, int]] = {
    # English
    "one": 1, "single": 1, "two": 2, "pair": 2, "both": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "a hundred": 100, "one hundred": 100, "a dozen": 12, "dozen": 12,
    # Arabic (folded forms are produced by the matcher; list common spellings)
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتين": 2, "اثنتان": 2, "ثلاثة": 3,
    "ثلاث": 3, "أربعة": 4, "أربع": 4, "خمسة": 5, "خمس": 5, "ستة": 6, "ست": 6, "سبعة": 7,
    "سبع": 7, "ثمانية": 8, "ثماني": 8, "ثمان": 8, "تسعة": 9, "تسع": 9, "عشرة": 10, "عشر": 10,
    "أحد عشر": 11, "إحدى عشرة": 11, "اثنا عشر": 12, "اثني عشر": 12, "ثلاثة عشر": 13,
    "أربعة عشر": 14, "خمسة عشر": 15, "ستة عشر": 16, "سبعة عشر": 17, "ثمانية عشر": 18,
    "تسعة عشر": 19, "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "أربعون": 40,
    "أربعين": 40, "خمسون": 50, "خمسين": 50, "مئة": 100, "مائة": 100,
    # Russian / Ukrainian
    "один": 1, "одна": 1, "одного": 1, "два": 2, "две": 2, "двое": 2, "двух": 2, "двоє": 2,
    "дві": 2, "трое": 3, "три": 3, "трех": 3, "трьох": 3, "троє": 3, "четыре": 4, "четверо": 4,
    "чотири": 4, "пять": 5, "пятеро": 5, "п'ять": 5, "п'ятеро": 5, "шесть": 6,
    "шість": 6, "семь": 7, "сім": 7, "восемь": 8, "вісім": 8, "девять": 9, "дев'ять": 9,
    "десять": 10, "двадцать": 20, "двадцять": 20, "тридцать": 30, "тридцять": 30,
    "сто": 100,
    # French
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "cent": 100,
}  # fmt: skip
"""Number words ("a soldier" is read by the casualty counter from the tokens)."""

VAGUE_NUMBERS: Final[dict[str, int]] = {
    "dozens": 12, "dozens of": 12, "scores": 12, "scores of": 12, "tens": 10, "tens of": 10,
    "hundreds": 100, "hundreds of": 100, "thousands": 1000, "thousands of": 1000,
    "several": 3, "a number of": 3, "a few": 3, "few": 3, "multiple": 3, "some": 3,
    "many": 10, "numerous": 10, "mass": 10, "heavy casualties": 10,
    "عشرات": 10, "العشرات": 10, "مئات": 100, "المئات": 100, "آلاف": 1000, "الآلاف": 1000,
    "عدد من": 3, "عدة": 3, "بضعة": 3, "العديد من": 10, "الكثير من": 10,
    "десятки": 10, "десятков": 10, "сотни": 100, "сотен": 100, "несколько": 3,
    "нескольких": 3, "десятки людей": 10, "кілька": 3, "кількох": 3,
    "сотні": 100, "des dizaines": 10, "dizaines": 10, "des centaines": 100, "centaines": 100,
    "plusieurs": 3, "quelques": 3, "une dizaine": 10, "une vingtaine": 20,
}  # fmt: skip

# Arabic dual forms name two without a number word ("مقتل عنصرين": two members killed)
ARABIC_DUALS: Final = frozenset(
    [
        "عنصرين",
        "عنصران",
        "جنديين",
        "جنديان",
        "مقاتلين اثنين",
        "قتيلين",
        "قتيلان",
        "شهيدين",
        "شهيدان",
        "طفلين",
        "طفلان",
        "شخصين",
        "شخصان",
        "ضابطين",
        "ضابطان",
        "مدنيين اثنين",
        "امرأتين",
        "شقيقين",
        "شابين",
    ]
)
ARABIC_SINGULARS: Final = frozenset(
    [
        "عنصر",
        "جندي",
        "مقاتل",
        "ضابط",
        "قتيل",
        "شهيد",
        "طفل",
        "طفلة",
        "شخص",
        "امرأة",
        "مدني",
        "مواطن",
        "شاب",
        "رجل",
        "قيادي",
        "مسلح",
        "سيدة",
        "فتاة",
        "مزارع",
        "راعي",
        "عامل",
        "ممرض",
        "مسعف",
        "صحفي",
        "مجند",
        "شرطي",
    ]
)

# -- time -------------------------------------------------------------------------------------

RELATIVE_DAYS: Final[dict[str, int]] = {
    "today": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "tonight": 0,
    "earlier today": 0, "on the day": 0, "yesterday": -1, "last night": -1, "overnight": -1,
    "yesterday evening": -1, "yesterday morning": -1, "late yesterday": -1,
    "the day before yesterday": -2, "two days ago": -2, "three days ago": -3,
    "اليوم": 0, "صباح اليوم": 0, "فجر اليوم": 0, "ظهر اليوم": 0, "عصر اليوم": 0,
    "مساء اليوم": 0, "الليلة": 0, "أمس": -1, "امس": -1, "الأمس": -1, "البارحة": -1,
    "ليلة أمس": -1, "مساء أمس": -1, "صباح أمس": -1, "يوم أمس": -1, "الليلة الماضية": -1,
    "ليل أمس": -1, "فجر أمس": -1, "أول أمس": -2, "قبل يومين": -2,
    "сегодня": 0, "сегодня утром": 0, "этой ночью": 0, "вчера": -1, "вчера вечером": -1,
    "минувшей ночью": -1, "прошлой ночью": -1, "ночью": -1, "позавчера": -2,
    "сьогодні": 0, "вчора": -1, "учора": -1, "вночі": -1, "минулої ночі": -1,
    "позавчора": -2, "aujourd'hui": 0, "ce matin": 0, "hier": -1, "la nuit dernière": -1,
    "avant-hier": -2, "cette nuit": -1,
}  # fmt: skip
"""Relative day words -> days before the publication date (overnight: the night before)."""

WEEKDAYS: Final[dict[str, int]] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
    "الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3,
    "الجمعة": 4, "السبت": 5, "الأحد": 6, "الاحد": 6,
    "понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3, "пятницу": 4,
    "пятница": 4, "субботу": 5, "суббота": 5, "воскресенье": 6,
    "понеділок": 0, "вівторок": 1, "середу": 2, "середа": 2, "четвер": 3, "п'ятницю": 4,
    "п'ятниця": 4, "суботу": 5, "субота": 5, "неділю": 6, "неділя": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
    "dimanche": 6,
}  # fmt: skip

MONTHS: Final[dict[str, int]] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7,
    "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6,
    "يوليو": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10,
    "نوفمبر": 11, "ديسمبر": 12,
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
    "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6, "липня": 7,
    "серпня": 8, "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
    "janvier": 1, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
}  # fmt: skip

WEEK_WORDS: Final = "last week|this week|earlier this week|past week|الأسبوع الماضي|هذا الأسبوع|خلال الأسبوع|на прошлой неделе|на этой неделе|минулого тижня|цього тижня|la semaine dernière|cette semaine"
MONTH_WORDS: Final = "last month|this month|earlier this month|past month|الشهر الماضي|هذا الشهر|خلال الشهر|в прошлом месяце|в этом месяце|минулого місяця|le mois dernier|ce mois-ci"

# -- places' roles ----------------------------------------------------------------------------

LOCATION_WORDS: Final[dict[str, str]] = {
    # "X province", "the countryside of X": the province, ACLED geo_precision 3
    "province": (
        "province|governorate|oblast|region|regions|provinces|countryside|rural|rural areas|"
        "countryside of|province of|governorate of|region of|"
        "محافظة|ريف|أرياف|ريفي|ولاية|منطقة|"
        "область|области|областью|регион|региона|області|областях|областей|республики|"
        "province|région|cercle"
    ),
    # "near X", "outskirts of X", "north of X": ACLED geo_precision 2
    "near": (
        "near|nearby|outskirts|outskirt|vicinity|around|surroundings|suburbs|suburb|"
        "north of|south of|east of|west of|northeast of|northwest of|southeast of|"
        "southwest of|on the edge of|edges of|outside|environs|axis|front|frontline|"
        "district|rayon|countryside of the town|area of|"
        "direction|approaches to|km from|kilometres from|kilometers from|"
        "محيط|أطراف|قرب|بالقرب من|ضواحي|تخوم|شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|غربي|"
        "جبهة|جبهات|محور|محاور|مشارف|مداخل|على بعد|"
        "возле|около|под|вблизи|окрестностях|окраинах|окраине|направлении|направление|"
        "севернее|южнее|восточнее|западнее|біля|поблизу|під|околицях|околиці|напрямку|"
        "près de|aux abords|à proximité|environs|au nord de|au sud de|à l'est de|"
        "à l'ouest de|non loin de"
    ),
    # "town of X", "بلدة X": a settlement word naming the place that follows
    "settlement": (
        "town|village|city|camp|towns|villages|"
        "بلدة|مدينة|قرية|بلدات|قرى|مدن|مخيم|ناحية|منطقة|بلدتي|قريتي|مدينتي|"
        "село|селе|поселок|посёлок|город|городе|місто|місті|селище|ville|village|localité"
    ),
    # "toward X": where forces head, not where the event is
    "toward": "toward|towards|in the direction of|باتجاه|نحو|في اتجاه|в сторону|у бік|vers|en direction de",
    # "between X and Y": a stretch between two places, one event
    "between": (
        "between|road|highway|route|بين|طريق|أوتوستراد|اوتوستراد|между|трассе|дороге|між|"
        "entre|la route"
    ),
    # "the neighbourhood X of Y": the city Y is the event place
    "quarter": "neighbourhood|neighborhood|quarter|district of|حي|أحياء|حارة|микрорайон|район города|quartier",
    # a place named as a government ("Damascus said", "Moscow denied") is no event place
    "seat": "government|authorities|regime|administration|officials|حكومة|الحكومة|سلطات|السلطات|правительство|власти|влада|gouvernement|autorités",
}

# -- who says so ------------------------------------------------------------------------------

SAY: Final = (
    "said|says|say|saying|claimed|claims|claim|announced|announces|announcing|stated|"
    "states|told|reported|reports|reporting|confirmed|confirms|acknowledged|admitted|"
    "added|wrote|posted|published|showed|declared|alleged|insisted|tweeted|"
    "قال|قالت|يقول|تقول|أعلن|أعلنت|يعلن|تعلن|أفاد|أفادت|يفيد|ذكر|ذكرت|نقل|نقلت|أكد|أكدت|"
    "يؤكد|تؤكد|نشر|نشرت|زعم|زعمت|ادعى|ادعت|تبنى|تبنت|صرح|صرحت|أوضح|أوضحت|بثت|أشار|أشارت|"
    "заявил|заявили|заявила|сообщил|сообщили|сообщает|сообщило|сообщила|утверждает|"
    "подтвердил|подтвердили|объявил|заявив|заявили|повідомили|повідомляє|повідомив|"
    "повідомила|підтвердили|заявляє|"
    "a déclaré|a affirmé|ont affirmé|a annoncé|ont annoncé|a indiqué|ont indiqué|affirme|"
    "annonce|revendiqué|a revendiqué|a rapporté|rapporte|a confirmé"
)
ACCORDING: Final = (
    "according to|citing|cited|quoted|quoting|per|via|"
    "بحسب|حسب|وفق|وفقا|وفقا ل|نقلا عن|طبقا ل|بحسب ما|حسبما|"
    "по данным|по словам|согласно|по информации|за даними|за словами|згідно з|"
    "selon|d'après|de source"
)
DENY: Final = (
    "denied|denies|deny|refuted|refutes|dismissed|false|fake|fabricated|baseless|"
    "untrue|misinformation|disinformation|rumours|rumors|no truth|not true|"
    "نفى|نفت|ينفي|تنفي|نفي|تكذيب|كذب|أكاذيب|لا صحة|عار عن الصحة|عارية عن الصحة|شائعات|"
    "غير صحيح|مفبرك|مفبركة|ملفق|"
    "опроверг|опровергли|опровергает|фейк|фейки|ложь|неправда|спростували|спростовує|"
    "фейк|неправдива|démenti|dément|démentent|faux|infox|fausse information"
)

# news sources named in attributions: name -> role (state_media, monitor, wire, local_media)
# and, for state media and party outlets, the country whose state forces they speak for
SOURCES: Final[dict[str, tuple[str, str]]] = {
    "SANA|Syrian Arab News Agency|Syrian state media|Syrian state news agency|Syrian state TV|Syrian state television|state media|state TV|state television|state news agency|official media|Al-Ikhbariya|Ikhbariya|سانا|وكالة سانا|الوكالة العربية السورية للأنباء|الإعلام الرسمي|الإعلام الرسمي السوري|التلفزيون السوري|الإخبارية السورية|التلفزيون الرسمي|وسائل الإعلام الرسمية|САНА|сирийские государственные СМИ": (
        "state_media",
        "SY",
    ),
    "TASS|RIA Novosti|RIA|Zvezda|Russian state media|Russian state TV|Russian state news agency|ТАСС|РИА Новости|РИА|Звезда|وكالة تاس|تاس|ريا نوفوستي|وسائل الإعلام الروسية": (
        "state_media",
        "RU",
    ),
    "Ukrinform|Suspilne|Укрінформ|Суспільне|Укринформ": ("state_media", "UA"),
    "Anadolu|Anadolu Agency|TRT|الأناضول|وكالة الأناضول|Анадолу": ("state_media", "TR"),
    "IRNA|Tasnim|Fars|إرنا|تسنيم|فارس": ("state_media", "IR"),
    "SUNA|Sudan News Agency|سونا|وكالة السودان للأنباء": ("state_media", "SD"),
    "SOHR|Syrian Observatory for Human Rights|Syrian Observatory|the Observatory|Britain-based monitor|UK-based monitor|war monitor|the monitor|المرصد السوري|المرصد السوري لحقوق الإنسان|المرصد|Сирийская обсерватория|Сирийская обсерватория по правам человека|OSDH|Observatoire syrien des droits de l'homme": (
        "monitor",
        "",
    ),
    "Syrian Network for Human Rights|SNHR|الشبكة السورية لحقوق الإنسان|Syrian Civil Defence|Civil Defence|White Helmets|الدفاع المدني|الدفاع المدني السوري|الخوذ البيضاء|OCHA|UN|United Nations|UNHCR|ACLED|Airwars|ISW|Institute for the Study of War|DeepState|DeepStateMap|Sudan Doctors Network|شبكة أطباء السودان|Emergency Lawyers|محامو الطوارئ|MSF|Doctors Without Borders|World Health Organization|UNICEF|Human Rights Watch|Amnesty International|Amnesty|HRW|health ministry|ministry of health|وزارة الصحة|Минздрав|МОЗ": (
        "monitor",
        "",
    ),
    "Reuters|AFP|Agence France-Presse|AP|Associated Press|dpa|Bloomberg|BBC|CNN|Al Jazeera|Al Arabiya|The New York Times|The Washington Post|The Guardian|رويترز|وكالة رويترز|فرانس برس|وكالة فرانس برس|أسوشيتد برس|الجزيرة|العربية|بي بي سي|Рейтер|Reuters|AFP|Франс Пресс|Ассошиэйтед Пресс|Рейтер": (
        "wire",
        "",
    ),
    "activists|local activists|local sources|sources|a source|local media|residents|witnesses|a witness|eyewitnesses|a resident|correspondent|our correspondent|medical sources|a medical source|security sources|a security source|Enab Baladi|Syria TV|Step News|Halab Today|Deir ez-Zor 24|Horan Free League|Suwayda 24|ناشطون|ناشطين|مصادر محلية|مصادر|مصدر|مصدر محلي|مصادر طبية|مصدر طبي|مصادر أمنية|مصدر أمني|شهود عيان|شاهد عيان|مراسلنا|مراسل|الأهالي|عنب بلدي|تلفزيون سوريا|ستيب|شبكة ستيب|حلب اليوم|دير الزور 24|تجمع أحرار حوران|السويداء 24|местные жители|источники|источник|местные СМИ|очевидцы|джерела|місцеві жителі|очевидці|sources locales|une source|des sources|témoins|habitants|source sécuritaire": (
        "local_media",
        "",
    ),
}
"""Outlets and monitors named in texts: aliases (| separated) -> (role, country spoken for)."""
