"""Credit supervision (信用监管): the credit archive of every institution and practitioner, points, grades.

Every app offers its facts through one selector of its own (``credit_facts(since=…)``) that returns
:class:`weijian.credit.facts.CreditFact` values; :func:`weijian.credit.facts.credit_record_ingest` stores them
as :class:`weijian.credit.models.CreditRecord` rows. Credit never reads the supervision grade of ``risk/``.
"""
