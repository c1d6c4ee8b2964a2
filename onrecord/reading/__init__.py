"""The reading stage: a question (and the conversation) read once into a ``Reading``
(``onrecord.reading.read.read``); every rule about phrasings lives here, with one vocabulary."""
