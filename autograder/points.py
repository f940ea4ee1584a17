r"""How points are written: one formatter for messages, reports, CSV and pages."""

#: Decimals of what a person reads (feedback, terminal, pages); files keep more.
READ_DIGITS = 2


def format_points(value, digits=6):
    r"""Points as short text: ``digits`` decimals at most, no trailing zeros.

    Scores are sums of fractions of points, so rounding also removes float noise such as
    2.9999999999. Files keep 6 decimals; what a person reads keeps :data:`READ_DIGITS`.

    >>> format_points(2.9999999999), format_points(34 / 9, digits=2), format_points(10.0)
    ('3', '3.78', '10')
    """
    return f"{round(float(value), digits):g}"
