using Jasmine.Bots.Localization;

namespace Jasmine.Bots.Conversations;

/// <summary>
/// Reads a choice from what she sent: the button's value, its number (SMS and Signal show numbered lines),
/// its label, or a keyword of the choice's value in any language (oui, yes, да, 是…).
/// </summary>
public static class ChoiceMatcher
{
    public static Choice? Match(TurnContext ctx, IReadOnlyList<Choice> choices, string text)
    {
        if (choices.Count == 0 || string.IsNullOrWhiteSpace(text)) return null;
        var trimmed = text.Trim();
        foreach (var c in choices) if (string.Equals(c.Value, trimmed, StringComparison.Ordinal)) return c;
        var folded = TextFolding.Fold(trimmed);
        if (int.TryParse(folded.TrimEnd('.', ')'), out var n) && n >= 1 && n <= choices.Count) return choices[n - 1];
        foreach (var c in choices) if (c.Label.Length > 0 && TextFolding.Fold(c.Label) == folded) return c;
        // Keywords: her language first, then any language (a Romanian speaker may well type "yes").
        foreach (var locale in new[] { ctx.Texts }.Concat(ctx.Locales.All))
            foreach (var c in choices)
                if (locale.Keywords("keywords." + c.Value).Contains(folded)) return c;
        return null;
    }

    /// <summary>For multi-choice steps: "1 3 5", "1,3" or one label.</summary>
    public static IReadOnlyList<Choice> MatchMany(TurnContext ctx, IReadOnlyList<Choice> choices, string text)
    {
        if (Match(ctx, choices, text) is { } single) return [single];
        // Folded: "١ ٤", "1、4" and "１，３" are read like "1 4".
        var tokens = TextFolding.Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length < 2) return [];
        var picked = new List<Choice>();
        foreach (var token in tokens)
        {
            if (!int.TryParse(token, out var n) || n < 1 || n > choices.Count) return [];
            if (!picked.Contains(choices[n - 1])) picked.Add(choices[n - 1]);
        }
        return picked;
    }
}
