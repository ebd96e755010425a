"""/feedback: free text (and a photo) that reaches the staff."""
