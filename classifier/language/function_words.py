"""English function words: frequent in every English posting, rare in French, German, Spanish,
Dutch or Italian ones (words those languages share with English, like "a", "in", "die", "so",
"also", are left out). The analyser counts them as it reads a text; the doubt check
(``explain/doubt.py``) reads the count."""

ENGLISH_FUNCTION_WORDS = frozenset("""
the and of to for with you we our your will is are be on as that this an or by from at have has
who which what when where how it its they their them us can would should could may must been
being was were not no any all more most about into over under than then there these those
while if each other such only own both through during before after also just very
""".split())
