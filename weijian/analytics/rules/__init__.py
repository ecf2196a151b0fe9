"""One module per rule of contracts/analytics-v1.md; ``weijian.analytics.registry`` lists them."""
