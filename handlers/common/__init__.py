"""What the features share: the guard, button codec, dialog frame, pickers, labels, errors."""
