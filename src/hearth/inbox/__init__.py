"""The unified inbox: conversations, the composer, brand voice and reply suggestions."""
