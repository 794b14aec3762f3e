"""The cluster state table writes every record of a cell to its cell's candidates partition."""

from __future__ import annotations

import faust
from aiokafka.partitioner import DefaultPartitioner

from sitrep.dedupe.stored import change_key, snapshot_key
from sitrep.stream.app import CellTable

CELLS = ["SY:Idleb", "SY:Aleppo", "SY:Rif Dimashq", "IQ:Ninawa", "LB:South", "YE:Taizz", "?"]


def test_every_record_of_a_cell_goes_to_the_partition_its_candidates_come_from() -> None:
    app = faust.App("sitrep-test-cell-table", store="memory://", web_enabled=False)
    for partitions in (1, 4, 12):
        table = CellTable(app, name=f"cells{partitions}", partitions=partitions)
        everywhere = list(range(partitions))
        seen = set()
        for cell in CELLS:
            # the normalizer's producer keys candidates by cell with Kafka's default partitioner
            expected = DefaultPartitioner()(cell.encode(), everywhere, everywhere)
            seen.add(expected)
            for key in (
                cell.encode(),  # a whole-state record of an older sitrep
                snapshot_key(cell),
                change_key(cell, 0),
                change_key(cell, 2**40 + 7),
            ):
                assert table.partition_for_key(key) == expected
        assert partitions == 1 or len(seen) > 1
