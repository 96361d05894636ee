using System.Text.RegularExpressions;
using Calico.Wizard.Core.Addresses;

namespace Calico.Wizard.Core.Rules;

/// <summary>Typed numbers: digits only (no sign, decimals, exponents or trailing text), then a range.</summary>
public static partial class WholeNumber
{
    [GeneratedRegex(@"^(0|[1-9][0-9]{0,8})$")]
    private static partial Regex Digits();

    public static Parsed<int> Parse(string? text, int min, int max, string unit)
    {
        var s = (text ?? "").Trim();
        if (s.Length == 0) return Parsed<int>.Fail($"Enter a whole number from {min} to {max}{unit}.");
        if (!Digits().IsMatch(s)) return Parsed<int>.Fail($"'{s}' is not a whole number: enter digits only, from {min} to {max}{unit}.");
        var n = int.Parse(s);
        if (n < min || n > max) return Parsed<int>.Fail($"{n} is out of range: enter {min} to {max}{unit}.");
        return Parsed<int>.Success(n);
    }
}
