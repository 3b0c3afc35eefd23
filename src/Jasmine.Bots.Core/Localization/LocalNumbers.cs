using System.Text.RegularExpressions;

namespace Jasmine.Bots.Localization;

/// <summary>
/// Numbers as people type them: any script's digits (Arabic-Indic ٦, Persian ۶, full-width ６, folded to 0-9 by
/// <see cref="TextFolding"/>), "6/10", "6 sur 10", and the words from zero to twelve in the ten languages.
/// </summary>
public static partial class LocalNumbers
{
    // Folded like her text, so accents, case and Arabic hamza never decide a match.
    private static readonly Dictionary<string, int> Words = Build(new (int, string)[]
    {
        (0, "zero zéro cero нула ноль нуль 零 〇 صفر"),
        (1, "un une one uno una um unu unul unei едно един една один одна 一 واحد واحدة"),
        (2, "deux two dos dois duas doi două doua две два дві 二 两 兩 اثنان اثنين اثنتان"),
        (3, "trois three tres três trei три 三 ثلاثة ثلاث"),
        (4, "quatre four cuatro quatro patru четири четыре чотири 四 أربعة اربعة أربع"),
        (5, "cinq five cinco cinci пет пять п'ять пʼять 五 خمسة خمس"),
        (6, "six seis sase șase шест шесть шість 六 ستة ست"),
        (7, "sept seven siete sete sapte șapte седем семь сім 七 سبعة سبع"),
        (8, "huit eight ocho oito opt осем восемь вісім 八 ثمانية ثماني ثمان"),
        (9, "neuf nine nueve nove noua nouă девет девять дев'ять девʼять 九 تسعة تسع"),
        (10, "dix ten diez dez zece десет десять 十 عشرة عشر"),
        (11, "onze eleven once unsprezece единадесет одиннадцать одинадцять 十一"),
        (12, "douze twelve doce doze doisprezece дванадесет двенадцать дванадцять 十二"),
    });

    private static Dictionary<string, int> Build((int Value, string Words)[] rows)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (value, words) in rows)
            foreach (var w in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                map.TryAdd(TextFolding.Fold(w), value);
        return map;
    }

    /// <summary>The numbers in her text, in order: digit groups of any script, else number words.</summary>
    public static IReadOnlyList<int> All(string text)
    {
        var folded = TextFolding.Fold(text);
        var digits = Digits().Matches(folded).Select(m => int.TryParse(m.Value, out var n) ? n : -1).Where(n => n >= 0).ToList();
        if (digits.Count > 0) return digits;
        var words = new List<int>();
        var tokens = folded.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < tokens.Length; i++)
        {
            if (i + 1 < tokens.Length && Words.TryGetValue(tokens[i] + tokens[i + 1], out var pair)) { words.Add(pair); i++; continue; }
            if (Words.TryGetValue(tokens[i], out var n)) { words.Add(n); continue; }
            // Chinese writes numbers without spaces: "疼痛六分" holds 六.
            foreach (var c in tokens[i]) if (c > 0x2E80 && Words.TryGetValue(c.ToString(), out var han)) words.Add(han);
        }
        return words;
    }

    /// <summary>The first number she wrote, if it is within [min, max] ("6/10" is 6).</summary>
    public static int? First(string text, int min, int max) =>
        All(text) is [var first, ..] && first >= min && first <= max ? first : null;

    /// <summary>How lists are written in her language: Arabic "، ", Chinese "、", a comma elsewhere.</summary>
    public static string ListSeparator(string language) => language switch
    {
        "ar" => "، ",
        "zh" => "、",
        _ => ", ",
    };

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
