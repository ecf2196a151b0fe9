"""weijian.analytics — the Django-free rule engine over contracts/analytics-v1.md.

``weijian analytics run DATASET --start --end --out`` validates a dataset folder, runs the rule
library (``weijian.analytics.rules``) as Ibis expressions on DuckDB (default) or Spark, and
writes alerts, indicators, a risk grade per institution and a run report. Nothing in this
package imports Django.
"""
