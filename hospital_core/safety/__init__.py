"""Emergency and self-harm detection (pure Python, data-driven; see data/safety/README.md).

    from hospital_core.safety import detect
    d = detect("救命 我爸晕倒了")   # Detection(category="unconscious", kind="medical", ...) or None
"""
from hospital_core.safety.detector import (Detection, Evidence, Match, detect, detect_all, get_lexicon,
                                           non_acute_context, reload)
from hospital_core.safety.lexicon import Lexicon, LexiconError, load_lexicon

__all__ = ["Detection", "Evidence", "Match", "Lexicon", "LexiconError", "detect", "detect_all",
           "get_lexicon", "load_lexicon", "non_acute_context", "reload"]
