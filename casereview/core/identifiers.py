"""UK identifiers: normalising and checking NHS and National Insurance numbers. No Django imports."""

import re

NI_NUMBER = re.compile(r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$")


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value)


def is_valid_nhs_number(value: str) -> bool:
    """Ten digits whose last is the modulus 11 check digit of the first nine."""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def normalise_ni_number(value: str) -> str:
    return re.sub(r"\s", "", value).upper()


def is_valid_ni_number(value: str) -> bool:
    return bool(NI_NUMBER.match(normalise_ni_number(value)))
