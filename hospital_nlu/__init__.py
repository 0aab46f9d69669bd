"""Custom Rasa NLU components of the hospital assistant (imported by Rasa from config.yml).

Importing this package also turns on masking of mobile and ID numbers in every log record of the
Rasa server (it loads these components before it handles any message).
"""
from hospital_core.privacy import install_log_masking

install_log_masking()
