using System.Text;
using ICU4N;
using ICU4N.Globalization;

// Not "…Tests.Localization": that would hide Jasmine.Bots.Localization from tests that name it by its last part.
namespace Jasmine.Bots.Tests.Languages;

/// <summary>
/// The Unicode Bidirectional Algorithm (UAX #9) for one line, enough to tell in which visual order a phone shows
/// the characters: P2–P3 (first strong, skipping isolates), X1–X10 (embeddings, overrides, isolates, isolating run
/// sequences), W1–W7, N1–N2, I1–I2, L1–L2. Character classes come from Unicode's own data (ICU's Bidi_Class).
/// Left out because they cannot move a digit: N0 (paired brackets only choose the brackets' own direction) and
/// L3–L4 (combining marks and mirrored glyphs).
/// </summary>
internal static class UnicodeBidi
{
    internal enum T { L, R, AL, EN, ES, ET, AN, CS, NSM, BN, B, S, WS, ON, LRE, LRO, RLE, RLO, PDF, LRI, RLI, FSI, PDI }

    private const int MaxDepth = 125;

    internal static T Class(int codePoint) => UChar.GetDirection(codePoint) switch
    {
        UCharacterDirection.LeftToRight => T.L,
        UCharacterDirection.RightToLeft => T.R,
        UCharacterDirection.RightToLeftArabic => T.AL,
        UCharacterDirection.EuropeanNumber => T.EN,
        UCharacterDirection.EuropeanNumberSeparator => T.ES,
        UCharacterDirection.EuropeanNumberTerminator => T.ET,
        UCharacterDirection.ArabicNumber => T.AN,
        UCharacterDirection.CommonNumberSeparator => T.CS,
        UCharacterDirection.DirNonSpacingMark => T.NSM,
        UCharacterDirection.BoundaryNeutral => T.BN,
        UCharacterDirection.BlockSeparator => T.B,
        UCharacterDirection.SegmentSeparator => T.S,
        UCharacterDirection.WhiteSpaceNeutral => T.WS,
        UCharacterDirection.LeftToRightEmbedding => T.LRE,
        UCharacterDirection.LeftToRightOverride => T.LRO,
        UCharacterDirection.RightToLeftEmbedding => T.RLE,
        UCharacterDirection.RightToLeftOverride => T.RLO,
        UCharacterDirection.PopDirectionalFormat => T.PDF,
        UCharacterDirection.LeftToRightIsolate => T.LRI,
        UCharacterDirection.RightToLeftIsolate => T.RLI,
        UCharacterDirection.FirstStrongIsolate => T.FSI,
        UCharacterDirection.PopDirectionalIsolate => T.PDI,
        _ => T.ON,
    };

    private static bool IsIsolateInitiator(T t) => t is T.LRI or T.RLI or T.FSI;
    private static bool IsRemovedByX9(T t) => t is T.LRE or T.LRO or T.RLE or T.RLO or T.PDF or T.BN;
    private static bool IsNeutralOrIsolate(T t) => t is T.B or T.S or T.WS or T.ON or T.LRI or T.RLI or T.FSI or T.PDI;
    private static bool IsFormatting(T t) => IsRemovedByX9(t) || IsIsolateInitiator(t) || t == T.PDI;

    /// <summary>The paragraph's level by P2–P3: 1 when its first strong character (outside isolates) is right-to-left.</summary>
    internal static int ParagraphLevel(string line)
    {
        var types = CodePoints(line).Select(Class).ToArray();
        return FirstStrong(types, 0, types.Length) is T.R or T.AL ? 1 : 0;
    }

    /// <summary>The line as displayed, left to right, with the invisible formatting characters dropped.</summary>
    internal static string Visual(string line, int? paragraphLevel = null)
    {
        var cps = CodePoints(line).ToArray();
        var n = cps.Length;
        var original = cps.Select(Class).ToArray();
        if (original.Contains(T.B)) throw new ArgumentException("one line at a time", nameof(line));
        var types = (T[])original.Clone();
        var para = paragraphLevel ?? (FirstStrong(original, 0, n) is T.R or T.AL ? 1 : 0);

        // BD9: matching PDI of each isolate initiator.
        var matchingPdi = Enumerable.Repeat(-1, n).ToArray();
        var matchingInitiator = Enumerable.Repeat(-1, n).ToArray();
        var open = new Stack<int>();
        for (var i = 0; i < n; i++)
        {
            if (IsIsolateInitiator(original[i])) open.Push(i);
            else if (original[i] == T.PDI && open.Count > 0) { var j = open.Pop(); matchingPdi[j] = i; matchingInitiator[i] = j; }
        }

        // X1–X8.
        var levels = new int[n];
        var stack = new Stack<(int Level, T? Override, bool Isolate)>();
        stack.Push((para, null, false));
        int overflowIsolates = 0, overflowEmbeddings = 0, validIsolates = 0;
        for (var i = 0; i < n; i++)
        {
            var t = original[i];
            var top = stack.Peek();
            switch (t)
            {
                case T.RLE or T.LRE or T.RLO or T.LRO:
                {
                    var rtl = t is T.RLE or T.RLO;
                    var level = rtl ? (top.Level + 1) | 1 : (top.Level + 2) & ~1;
                    if (level <= MaxDepth && overflowIsolates == 0 && overflowEmbeddings == 0)
                        stack.Push((level, t switch { T.RLO => T.R, T.LRO => T.L, _ => null }, false));
                    else if (overflowIsolates == 0) overflowEmbeddings++;
                    levels[i] = top.Level;
                    break;
                }
                case T.RLI or T.LRI or T.FSI:
                {
                    levels[i] = top.Level;
                    if (top.Override is { } o) types[i] = o;
                    var end = matchingPdi[i] >= 0 ? matchingPdi[i] : n;
                    var rtl = t == T.RLI || (t == T.FSI && FirstStrong(original, i + 1, end) is T.R or T.AL);
                    var level = rtl ? (top.Level + 1) | 1 : (top.Level + 2) & ~1;
                    if (level <= MaxDepth && overflowIsolates == 0 && overflowEmbeddings == 0)
                    {
                        validIsolates++;
                        stack.Push((level, null, true));
                    }
                    else overflowIsolates++;
                    break;
                }
                case T.PDI:
                    if (overflowIsolates > 0) overflowIsolates--;
                    else if (validIsolates > 0)
                    {
                        overflowEmbeddings = 0;
                        while (!stack.Peek().Isolate) stack.Pop();
                        stack.Pop();
                        validIsolates--;
                    }
                    top = stack.Peek();
                    levels[i] = top.Level;
                    if (top.Override is { } po) types[i] = po;
                    break;
                case T.PDF:
                    if (overflowIsolates > 0) { }
                    else if (overflowEmbeddings > 0) overflowEmbeddings--;
                    else if (!top.Isolate && stack.Count >= 2) stack.Pop();
                    levels[i] = top.Level;
                    break;
                case T.BN:
                    levels[i] = top.Level;
                    break;
                default:
                    levels[i] = top.Level;
                    if (top.Override is { } ov) types[i] = ov;
                    break;
            }
        }

        // X9–X10: level runs of the characters that remain, chained into isolating run sequences.
        var kept = Enumerable.Range(0, n).Where(i => !IsRemovedByX9(original[i])).ToList();
        var runs = new List<List<int>>();
        foreach (var i in kept)
        {
            if (runs.Count == 0 || levels[runs[^1][^1]] != levels[i]) runs.Add([]);
            runs[^1].Add(i);
        }
        var runStartingAt = runs.ToDictionary(r => r[0]);
        var embeddingLevels = (int[])levels.Clone();
        foreach (var run in runs)
        {
            if (original[run[0]] == T.PDI && matchingInitiator[run[0]] >= 0) continue; // continues an earlier sequence
            var sequence = new List<int>(run);
            var last = run;
            while (IsIsolateInitiator(original[last[^1]]) && matchingPdi[last[^1]] is var pdi && pdi >= 0 && runStartingAt.TryGetValue(pdi, out var next))
            {
                sequence.AddRange(next);
                last = next;
            }
            ResolveSequence(sequence, types, original, embeddingLevels, levels, kept, para);
        }

        // L1: separators, and whitespace or isolate controls before them or at the end of the line, go back to the paragraph level.
        for (var i = n - 1; i >= 0 && (original[i] is T.WS || IsFormatting(original[i])); i--) levels[i] = para;
        for (var i = 0; i < n; i++)
        {
            if (original[i] != T.S) continue;
            levels[i] = para;
            for (var j = i - 1; j >= 0 && (original[j] is T.WS || IsFormatting(original[j])); j--) levels[j] = para;
        }
        // Removed characters take their neighbour's level; they are invisible and only must not split a run.
        for (var i = 0; i < n; i++) if (IsRemovedByX9(original[i])) levels[i] = i > 0 ? levels[i - 1] : para;

        // L2: from the highest level down to the lowest odd level, reverse every run at that level or higher.
        var order = Enumerable.Range(0, n).ToArray();
        var max = levels.DefaultIfEmpty(0).Max();
        var lowestOdd = levels.Where(l => l % 2 == 1).DefaultIfEmpty(max + 1).Min();
        for (var level = max; level >= lowestOdd; level--)
        {
            for (var i = 0; i < n;)
            {
                if (levels[order[i]] < level) { i++; continue; }
                var j = i;
                while (j < n && levels[order[j]] >= level) j++;
                Array.Reverse(order, i, j - i);
                i = j;
            }
        }
        var sb = new StringBuilder(line.Length);
        foreach (var i in order)
            if (!IsFormatting(original[i])) sb.Append(char.ConvertFromUtf32(cps[i]));
        return sb.ToString();
    }

    private static void ResolveSequence(List<int> seq, T[] types, T[] original, int[] embeddingLevels, int[] levels, List<int> kept, int para)
    {
        var level = embeddingLevels[seq[0]];
        var firstPos = kept.IndexOf(seq[0]);
        var before = firstPos > 0 ? embeddingLevels[kept[firstPos - 1]] : para;
        var lastChar = seq[^1];
        var lastPos = kept.IndexOf(lastChar);
        // An isolate initiator ending a sequence has no matching PDI here: compare with the paragraph level.
        var after = IsIsolateInitiator(original[lastChar]) || lastPos == kept.Count - 1 ? para : embeddingLevels[kept[lastPos + 1]];
        var sos = Math.Max(level, before) % 2 == 1 ? T.R : T.L;
        var eos = Math.Max(embeddingLevels[lastChar], after) % 2 == 1 ? T.R : T.L;
        var m = seq.Count;
        T Get(int k) => types[seq[k]];
        void Set(int k, T t) => types[seq[k]] = t;

        // W1
        for (var k = 0; k < m; k++)
            if (Get(k) == T.NSM) Set(k, k == 0 ? sos : IsIsolateInitiator(Get(k - 1)) || Get(k - 1) == T.PDI ? T.ON : Get(k - 1));
        // W2
        for (var k = 0; k < m; k++)
        {
            if (Get(k) != T.EN) continue;
            var strong = sos;
            for (var b = k - 1; b >= 0; b--) if (Get(b) is T.R or T.L or T.AL) { strong = Get(b); break; }
            if (strong == T.AL) Set(k, T.AN);
        }
        // W3
        for (var k = 0; k < m; k++) if (Get(k) == T.AL) Set(k, T.R);
        // W4
        for (var k = 1; k < m - 1; k++)
        {
            var (p, c, x) = (Get(k - 1), Get(k), Get(k + 1));
            if (c == T.ES && p == T.EN && x == T.EN) Set(k, T.EN);
            else if (c == T.CS && p == T.EN && x == T.EN) Set(k, T.EN);
            else if (c == T.CS && p == T.AN && x == T.AN) Set(k, T.AN);
        }
        // W5
        for (var k = 0; k < m; k++)
        {
            if (Get(k) != T.ET) continue;
            var end = k;
            while (end < m && Get(end) == T.ET) end++;
            if ((k > 0 && Get(k - 1) == T.EN) || (end < m && Get(end) == T.EN))
                for (var e = k; e < end; e++) Set(e, T.EN);
            k = end - 1;
        }
        // W6
        for (var k = 0; k < m; k++) if (Get(k) is T.ES or T.ET or T.CS) Set(k, T.ON);
        // W7
        for (var k = 0; k < m; k++)
        {
            if (Get(k) != T.EN) continue;
            var strong = sos;
            for (var b = k - 1; b >= 0; b--) if (Get(b) is T.R or T.L) { strong = Get(b); break; }
            if (strong == T.L) Set(k, T.L);
        }
        // N1–N2
        var embedding = level % 2 == 1 ? T.R : T.L;
        static T? AsStrong(T t) => t switch { T.L => T.L, T.R or T.EN or T.AN => T.R, _ => null };
        for (var k = 0; k < m; k++)
        {
            if (!IsNeutralOrIsolate(Get(k))) continue;
            var end = k;
            while (end < m && IsNeutralOrIsolate(Get(end))) end++;
            var leading = k == 0 ? sos : AsStrong(Get(k - 1)) ?? embedding;
            var trailing = end == m ? eos : AsStrong(Get(end)) ?? embedding;
            var resolved = leading == trailing ? leading : embedding;
            for (var e = k; e < end; e++) Set(e, resolved);
            k = end - 1;
        }
        // I1–I2
        foreach (var i in seq)
        {
            var t = types[i];
            if (embeddingLevels[i] % 2 == 0) levels[i] += t == T.R ? 1 : t is T.AN or T.EN ? 2 : 0;
            else levels[i] += t is T.L or T.EN or T.AN ? 1 : 0;
        }
    }

    private static T? FirstStrong(T[] types, int start, int end)
    {
        var depth = 0;
        for (var i = start; i < end; i++)
        {
            var t = types[i];
            if (IsIsolateInitiator(t)) depth++;
            else if (t == T.PDI) { if (depth > 0) depth--; }
            else if (depth == 0 && t is T.L or T.R or T.AL) return t;
        }
        return null;
    }

    private static IEnumerable<int> CodePoints(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { yield return char.ConvertToUtf32(s[i], s[i + 1]); i++; }
            else yield return s[i];
        }
    }
}
