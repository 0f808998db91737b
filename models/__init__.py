"""bitext's MT side: engines behind one ``Translator`` protocol and model management.

Nothing here imports torch, transformers or ctranslate2 at module level, so the CLI starts fast.
"""

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-zh-en"
