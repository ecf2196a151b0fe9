"""双随机 planning: plans, the verifiable draw, inspector assignment, verification, evaluation and their pages."""
