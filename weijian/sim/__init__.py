"""The synthetic city: registries (``weijian sim city``) and a year of activity, Django-free."""
