using System.Text.RegularExpressions;
using Calico.Wizard.Core.Addresses;
using Calico.Wizard.Core.Resources;

namespace Calico.Wizard.Core.Rules;

/// <summary>Typed numbers: digits only (no sign, decimals, exponents or trailing text), then a range.</summary>
public static partial class WholeNumber
{
    [GeneratedRegex(@"^(0|[1-9][0-9]{0,8})$")]
    private static partial Regex Digits();

    /// <param name="unit">What follows the range in the message, with its leading space (<see cref="Messages.UnitNodes"/>, " nodes"), or "".</param>
    public static Parsed<int> Parse(string? text, int min, int max, string unit)
    {
        var s = (text ?? "").Trim();
        if (s.Length == 0) return Parsed<int>.Fail(Text.Format(Messages.WholeNumberEmpty, min, max, unit));
        if (!Digits().IsMatch(s)) return Parsed<int>.Fail(Text.Format(Messages.WholeNumberNotDigits, s, min, max, unit));
        var n = int.Parse(s);
        if (n < min || n > max) return Parsed<int>.Fail(Text.Format(Messages.WholeNumberOutOfRange, n, min, max, unit));
        return Parsed<int>.Success(n);
    }

    /// <summary>Whether the text is a whole number outside min–max (what <see cref="Parse"/> refuses as out of range, whatever the language).</summary>
    public static bool OutOfRange(string? text, int min, int max)
    {
        var s = (text ?? "").Trim();
        return Digits().IsMatch(s) && int.Parse(s) is var n && (n < min || n > max);
    }
}
