"""统一社会信用代码 (GB 32100-2015): 18 characters of a 31-character alphabet, the last a check
character over the first 17. A plain rule, no app needed."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


class CreditCodeError(ValueError):
    """The code is not a valid 统一社会信用代码; ``message`` (Chinese) says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_character(first17: str) -> str:
    """The check character of the first 17 characters (all from :data:`ALPHABET`)."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def clean_credit_code(raw: str | None, gettext=lambda text, **kw: text % kw if kw else text) -> str:
    """The code upper-cased without spaces, or :class:`CreditCodeError` (length, alphabet, check).

    ``gettext`` translates the messages (flask_babel's in the app; identity in plain tests).
    """
    code = "".join((raw or "").split()).upper()
    if len(code) != LENGTH:
        raise CreditCodeError(gettext("统一社会信用代码应为18位，现为%(count)s位。", count=len(code)))
    wrong = [char for char in code if char not in ALPHABET]
    if wrong:
        raise CreditCodeError(gettext("统一社会信用代码含有不允许的字符：%(chars)s（不使用I、O、Z、S、V）。",
                                      chars="".join(dict.fromkeys(wrong))))
    if check_character(code[:17]) != code[17]:
        raise CreditCodeError(gettext("统一社会信用代码的校验位不对，请核对后重新输入。"))
    return code
