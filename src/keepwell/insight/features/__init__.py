"""Point-in-time account features with Ibis, on DuckDB (default) or Spark.

The flow: :func:`write_snapshot` copies the operational tables to Parquet, :func:`connect`
opens an engine over that folder, and :func:`compute_features` returns one row per
account and cutoff computed only from what was known before the cutoff. :data:`FEATURES`
describes every column.
"""

from keepwell.insight.features.engine import (
    ENGINES,
    EngineName,
    FeatureEngineError,
    connect,
    connected,
    spark_session,
)
from keepwell.insight.features.frame import KEYS, Frame
from keepwell.insight.features.pipeline import (
    BLOCKS,
    Block,
    Strategy,
    compute_features,
    feature_expression,
)
from keepwell.insight.features.registry import FEATURES, Feature
from keepwell.insight.features.snapshot import (
    SCHEMAS,
    iter_batches,
    read_table,
    read_tables,
    write_snapshot,
    write_tables,
)

__all__ = [
    "BLOCKS",
    "ENGINES",
    "FEATURES",
    "KEYS",
    "SCHEMAS",
    "Block",
    "EngineName",
    "Feature",
    "FeatureEngineError",
    "Frame",
    "Strategy",
    "compute_features",
    "connect",
    "connected",
    "feature_expression",
    "iter_batches",
    "read_table",
    "read_tables",
    "spark_session",
    "write_snapshot",
    "write_tables",
]
