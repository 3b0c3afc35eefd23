using System.Globalization;
using System.Text;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Members;
using Jasmine.Bots.Places;
using Jasmine.Bots.Sms;

namespace Jasmine.Bots.Help;

/// <summary>The actions and parsers of <c>conversations/services.yaml</c>: the nearest support services of a kind.</summary>
public sealed class ServicesFeature(SupportServiceStore services, Gazetteer gazetteer) : IFlowFeature
{
    /// <summary>Farther than this, a service is no help tonight: she gets the national line instead.</summary>
    public const double ReachKm = 60;

    /// <summary>When nothing is within reach, the nearest still worth a long trip (a CeGIDD two hours away).</summary>
    public const double WiderKm = 200;

    public const int Shown = 3;
    public const int SmsSegmentBudget = 3;

    public static readonly IReadOnlyDictionary<string, ServiceKind> Kinds = new Dictionary<string, ServiceKind>(StringComparer.Ordinal)
    {
        ["community"] = ServiceKind.Community,
        ["clinic"] = ServiceKind.Health,
        ["emergency"] = ServiceKind.Emergency,
        ["legal"] = ServiceKind.Legal,
        ["shelter"] = ServiceKind.Shelter,
        ["mental-health"] = ServiceKind.MentalHealth,
        ["harm-reduction"] = ServiceKind.HarmReduction,
        ["police"] = ServiceKind.Police,
    };

    public void Register(FlowRegistry r)
    {
        r.Parser("services-place", ParsePlace);
        r.Action("services.set-place", SetPlace);
        r.Action("services.pick-place", PickPlace);
        r.Action("services.answer", Answer);
        r.Choices("services-place-candidates", ctx => ctx.State.GetAll("services_candidates")
            .Select(gazetteer.FindByInsee).OfType<Place>()
            .Select(p => new Choice($"{p.Name} ({p.Postcode})", "place:" + p.InseeCode)).ToList());
    }

    // A shared location is kept to about 100 m, and only until the answer is sent (the flow ends there).
    private ParseResult ParsePlace(TurnContext ctx)
    {
        if (ctx.Input.Location is { } at)
            return ParseResult.Success(string.Create(CultureInfo.InvariantCulture, $"geo:{Math.Round(at.Latitude, 3)},{Math.Round(at.Longitude, 3)}"));
        var found = gazetteer.Resolve(ctx.Input.Text);
        if (found.Count == 0) return ParseResult.Fail("services.where_invalid");
        // Homonyms in several départements ("Saint-Denis" 93 and 974) get a short numbered choice; a town ten times
        // bigger than any namesake (La Rochelle and a hamlet of Haute-Saône) is taken at once.
        var sameName = found.Where(p => Localization.TextFolding.Fold(p.Name) == Localization.TextFolding.Fold(found[0].Name)).Take(5).ToList();
        var clearWinner = sameName.Count < 2 || sameName[0].Population >= 10L * sameName.Skip(1).Max(p => p.Population);
        return !clearWinner && sameName.Select(p => p.Departement).Distinct().Count() > 1
            ? ParseResult.Success(sameName.Select(p => "place:" + p.InseeCode).ToList())
            : ParseResult.Success("place:" + found[0].InseeCode);
    }

    private static string SetPlace(TurnContext ctx)
    {
        if (ctx.Answer.Count > 1)
        {
            ctx.State.SetAll("services_candidates", ctx.Answer.Select(a => a["place:".Length..]));
            return "ambiguous";
        }
        ctx.State.Set("services_where", ctx.Answer.FirstOrDefault() ?? "");
        return "ok";
    }

    private string PickPlace(TurnContext ctx)
    {
        var value = ctx.Answer.FirstOrDefault() ?? "";
        if (!value.StartsWith("place:", StringComparison.Ordinal) || gazetteer.FindByInsee(value[6..]) is null) return "retry";
        ctx.State.Remove("services_candidates");
        ctx.State.Set("services_where", value);
        return "ok";
    }

    private string Answer(TurnContext ctx)
    {
        if (!Kinds.TryGetValue(ctx.State.Get("services_kind") ?? "", out var kind) || Where(ctx.State.Get("services_where")) is not { } where)
        {
            ctx.Say("error.generic");
            return "ok";
        }
        var channel = Urns.Scheme(ctx.Address);
        var nowParis = ParisNow(ctx.Now);
        var found = services.Directory.Nearest(where.Latitude, where.Longitude, kind, nowParis, Shown)
            .Where(f => f.DistanceKm <= ReachKm)
            .ToList();
        var kindLabel = ctx.Text("services.kind." + KindValue(kind));
        var national = NationalLine(ctx, kind, nowParis);

        if (found.Count == 0)
        {
            // Never a dead end: the nearest farther away, the national lines, then another kind or the menu (the
            // flow's "more" step).
            var none = ctx.Text("services.none_near", Args(("kind", kindLabel), ("place", where.Name), ("km", ReachKm.ToString("0", ctx.Texts.Culture))));
            var farther = services.Directory.Nearest(where.Latitude, where.Longitude, kind, nowParis, 2)
                .Where(f => f.DistanceKm <= WiderKm).ToList();
            var lines = new List<string> { none };
            if (farther.Count > 0)
            {
                lines.Add(ctx.Text("services.farther", Args(("km", WiderKm.ToString("0", ctx.Texts.Culture)))));
                for (var i = 0; i < farther.Count; i++)
                    lines.Add(Block(ctx, i + 1, farther[i].Service, farther[i].DistanceKm, nowParis, channel == "tel" ? Detail.NoAddress : Detail.Full, mapLink: channel != "tel"));
            }
            lines.Add(national ?? ctx.Text("services.fallback"));
            var text = string.Join('\n', lines);
            if (channel == "tel")
            {
                // The SMS carries the question that follows (another kind, the menu) in the same message: it counts.
                var tail = "\n\n" + ctx.Text("services.more") + "\n1. " + ctx.Text("services.other_kind") + "\n2. " + ctx.Text("choice.menu");
                bool Fits(string t) => SmsSegments.Count(SmsRendering.Prepare(t + tail, ctx.State.Language)) <= SmsSegmentBudget;
                // The emergency numbers matter more than the helpline's hours: shorten to the essentials.
                var nearest = farther.Count > 0 ? Block(ctx, 1, farther[0].Service, farther[0].DistanceKm, nowParis, Detail.ShortNames, mapLink: false) + "\n" : "";
                foreach (var shorter in new[] { none + "\n" + nearest + ctx.Text("services.fallback"), none + "\n" + ctx.Text("services.fallback"), ctx.Text("services.fallback") })
                {
                    if (Fits(text)) break;
                    text = shorter;
                }
            }
            ctx.Add(new Reply(text));
            ctx.State.Remove("services_where");
            return "more";
        }

        var header = ctx.Text("services.header", Args(("kind", kindLabel), ("place", where.Name)));
        if (channel == "telegram")
        {
            // Telegram shows each as a venue on a map; the text under it carries the rest.
            ctx.Add(new Reply(header));
            for (var i = 0; i < found.Count; i++)
                ctx.Add(new Reply(Block(ctx, i + 1, found[i].Service, found[i].DistanceKm, nowParis, Detail.Full, mapLink: false))
                {
                    Location = new GeoPoint(found[i].Service.Latitude, found[i].Service.Longitude),
                    LocationTitle = found[i].Service.Name,
                });
            if (national is not null) ctx.Add(new Reply(national));
            return "ok";
        }

        var sms = channel == "tel";
        var shortNational = kind is ServiceKind.Emergency or ServiceKind.Police ? ctx.Text("services.fallback") : null;
        ctx.Add(new Reply(sms ? Compact(ctx, header, found, national, shortNational, nowParis) : Compose(ctx, header, found, national, nowParis, Detail.Full, mapLink: true)));
        return "ok";
    }

    /// <summary>
    /// For the urgent advice after an exposure: the nearest emergency department and sexual-health centre (CeGIDD),
    /// open now first, one line each; null when the place cannot be read.
    /// </summary>
    public string? NearestForHealth(TurnContext ctx, string where)
    {
        if (Where(where) is not { } spot) return null;
        var nowParis = ParisNow(ctx.Now);
        var lines = new List<string> { ctx.Text("services.header", Args(("kind", ctx.Text("services.kind.emergency") + " / " + ctx.Text("services.kind.clinic")), ("place", spot.Name))) };
        var number = 1;
        foreach (var kind in new[] { ServiceKind.Emergency, ServiceKind.Health })
        {
            var found = services.Directory.Nearest(spot.Latitude, spot.Longitude, kind, nowParis, 1).Where(f => f.DistanceKm <= WiderKm).ToList();
            foreach (var (service, km) in found)
                lines.Add(Block(ctx, number++, service, km, nowParis, Urns.Scheme(ctx.Address) == "tel" ? Detail.ShortNames : Detail.Full, mapLink: false));
        }
        if (number == 1) lines.Add(ctx.Text("services.none_near", Args(("kind", ctx.Text("services.kind.clinic")), ("place", spot.Name), ("km", WiderKm.ToString("0", ctx.Texts.Culture)))));
        return string.Join('\n', lines);
    }

    /// <summary>The richest text that still fits the SMS budget once folded as the SMS channel will fold it.</summary>
    public static string Compact(TurnContext ctx, string header, IReadOnlyList<(SupportService Service, double DistanceKm)> found,
        string? national, string? shortNational, DateTime nowParis)
    {
        // In UCS-2 (Cyrillic, Arabic, Chinese) three segments are 201 characters: three full entries cannot fit, so
        // the nearest keep their phone and hours and the farthest go first; last of all the national lines shrink
        // to the emergency numbers (kept whenever the need is an emergency).
        string text = "";
        foreach (var lastLine in new[] { national, shortNational })
        {
            for (var count = found.Count; count >= 1; count--)
            {
                foreach (var detail in new[] { Detail.Full, Detail.NoAddress, Detail.ShortNames })
                {
                    text = Compose(ctx, header, found.Take(count).ToList(), lastLine, nowParis, detail, mapLink: false);
                    if (SmsSegments.Count(SmsRendering.Prepare(text, ctx.State.Language)) <= SmsSegmentBudget) return text;
                }
            }
        }
        return text;
    }

    public enum Detail { Full, NoAddress, ShortNames }

    private static string Compose(TurnContext ctx, string header, IReadOnlyList<(SupportService Service, double DistanceKm)> found, string? national, DateTime nowParis, Detail detail, bool mapLink)
    {
        var sb = new StringBuilder(header);
        for (var i = 0; i < found.Count; i++) sb.Append('\n').Append(Block(ctx, i + 1, found[i].Service, found[i].DistanceKm, nowParis, detail, mapLink));
        if (national is not null) sb.Append('\n').Append(national);
        return sb.ToString();
    }

    private static string Block(TurnContext ctx, int number, SupportService s, double km, DateTime nowParis, Detail detail, bool mapLink)
    {
        var name = detail == Detail.ShortNames && s.Name.Length > 28 ? s.Name[..27].TrimEnd() + "." : s.Name;
        var sb = new StringBuilder();
        sb.Append(number).Append(". ").Append(name).Append(" - ").Append(km.ToString("0.0", ctx.Texts.Culture)).Append(" km");
        if (detail == Detail.Full && s.Address.Length > 0)
        {
            sb.Append('\n').Append(s.Address);
            var town = $"{s.Postcode} {s.Town}".Trim();
            if (town.Length > 0 && !s.Address.Contains(s.Town, StringComparison.OrdinalIgnoreCase)) sb.Append(", ").Append(town);
        }
        sb.Append('\n');
        if (s.Phone.Length > 0) sb.Append(ctx.Text("services.phone", Args(("phone", s.Phone)))).Append(" - ");
        sb.Append(Status(ctx, OpeningHours.Parse(s.OpeningHours), nowParis));
        if (mapLink) sb.Append('\n').Append(MapLink(s.Latitude, s.Longitude));
        return sb.ToString();
    }

    public static string MapLink(double lat, double lon)
    {
        var la = lat.ToString("0.#####", CultureInfo.InvariantCulture);
        var lo = lon.ToString("0.#####", CultureInfo.InvariantCulture);
        return $"https://www.openstreetmap.org/?mlat={la}&mlon={lo}#map=17/{la}/{lo}";
    }

    private static string Status(TurnContext ctx, OpeningHours hours, DateTime nowParis)
    {
        if (hours.IsAlwaysOpen) return ctx.Text("services.open_always");
        if (hours.NextOpening(nowParis) is not { } opens) return ctx.Text("services.hours_unknown");
        if (opens == nowParis) return ctx.Text("services.open_now");
        var time = opens.ToString("HH:mm", CultureInfo.InvariantCulture);
        if (opens.Date == nowParis.Date) return ctx.Text("services.opens_at", Args(("time", time)));
        if (opens.Date == nowParis.Date.AddDays(1)) return ctx.Text("services.opens_tomorrow", Args(("time", time)));
        return ctx.Text("services.opens_on", Args(("day", ctx.Texts.Culture.DateTimeFormat.GetDayName(opens.DayOfWeek)), ("time", time)));
    }

    /// <summary>The national lines worth a last line for this need: its own kind, and victims' help for the police.</summary>
    private string? NationalLine(TurnContext ctx, ServiceKind kind, DateTime nowParis)
    {
        var lines = services.NationalLines(kind).ToList();
        if (kind == ServiceKind.Police) lines.AddRange(services.NationalLines(ServiceKind.Legal));
        if (kind is ServiceKind.Emergency or ServiceKind.Police) return ctx.Text("services.fallback") + (lines.Count > 0 ? "\n" + Lines(ctx, lines, nowParis) : "");
        return lines.Count == 0 ? null : Lines(ctx, lines, nowParis);
    }

    private static string Lines(TurnContext ctx, IEnumerable<SupportService> lines, DateTime nowParis) =>
        string.Join('\n', lines.Select(s =>
        {
            var name = s.Name;
            // "3919 Violences Femmes Info (ligne nationale)": the line already says it is national.
            var paren = name.IndexOf(" (ligne nationale", StringComparison.OrdinalIgnoreCase);
            if (paren > 0) name = name[..paren];
            var phone = s.Phone.Length == 0 || name.Contains(s.Phone, StringComparison.Ordinal) ? "" : " " + s.Phone;
            return ctx.Text("services.national", Args(("line", name + phone), ("hours", Status(ctx, OpeningHours.Parse(s.OpeningHours), nowParis))));
        }));

    private sealed record Spot(double Latitude, double Longitude, string Name);

    private Spot? Where(string? value)
    {
        if (value is null) return null;
        if (value.StartsWith("place:", StringComparison.Ordinal))
            return gazetteer.FindByInsee(value[6..]) is { } p ? new Spot(p.Latitude, p.Longitude, p.Name) : null;
        if (value.StartsWith("geo:", StringComparison.Ordinal))
        {
            var parts = value[4..].Split(',');
            if (parts.Length == 2
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon))
                return new Spot(lat, lon, gazetteer.NearestCommune(lat, lon).Name);
        }
        return null;
    }

    private static string KindValue(ServiceKind kind) => Kinds.First(k => k.Value == kind).Key;

    internal static DateTime ParisNow(DateTimeOffset now) =>
        TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).DateTime;

    private static Dictionary<string, string> Args(params (string Key, string Value)[] args) =>
        args.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
}
