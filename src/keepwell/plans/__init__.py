"""Success plans: the customer's own objectives, milestones and measures, shared by link."""
