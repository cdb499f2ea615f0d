"""Everyone's retention role: coverage, departure impact, human reads, RFQ hand-off, comments."""
