"""Pure-Python domain logic shared by the bot, its actions and the hospital services (no Rasa imports)."""
