"""Front ends: the Textual wizard and the questionary prompts."""
