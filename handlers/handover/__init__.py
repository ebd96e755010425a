"""/handover: a leaving rep's customers handed to others."""
