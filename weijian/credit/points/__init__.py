"""Bad-practice points (不良执业行为记分): rule sets as data, the cycle, and the thresholds reached (Django-free)."""
