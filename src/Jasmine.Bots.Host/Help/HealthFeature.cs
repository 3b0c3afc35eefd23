using System.Globalization;
using System.Text.RegularExpressions;
using Jasmine.Bots.Conversations;
using Jasmine.Bots.Localization;

namespace Jasmine.Bots.Help;

/// <summary>
/// The actions of <c>conversations/health.yaml</c>. The answers live only in the (encrypted) conversation state and
/// are gone when the flow ends with the note; a copy is kept only when she asked for one. When the answers show an
/// exposure (sexual assault, a condom that broke or was removed, sex without one) recent enough for treatment,
/// what to do now comes first, in her language, before any other question.
/// </summary>
public sealed partial class HealthFeature(HealthNoteStore notes, MedicalFacts facts, UrgentAdvice urgent, ServicesFeature services, ILogger<HealthFeature> logger) : IFlowFeature
{
    public const string PdfName = "note-medecin.pdf";

    private static readonly string[] Vars =
        ["health_what", "health_date", "health_over3", "health_hour", "health_exposure", "health_symptoms", "health_pain", "health_allergies",
         "health_treatments", "health_pregnant", "health_needs", "health_keep", "services_where"];

    public void Register(FlowRegistry r)
    {
        r.Action("health.begin", Begin);
        r.Action("health.set-date", SetDate);
        r.Action("health.set-hour", SetHour);
        r.Action("health.nearest", Nearest);
        r.Action("health.set-allergies", ctx => SetFree(ctx, "health_allergies"));
        r.Action("health.set-treatments", ctx => SetFree(ctx, "health_treatments"));
        r.Action("health.summary", Summary);
        r.Action("health.show-saved", ShowSaved);
        r.Action("health.forget", ctx =>
        {
            if (ctx.MemberId is { } id) notes.Delete(id);
            ctx.Say("health.forgotten");
            return "ok";
        });
        // Part of "erase my data": quiet, the erase flow says what happened.
        r.Action("health.erase", ctx => { if (ctx.MemberId is { } id) notes.Delete(id); return "ok"; });

        r.Parser("pain-level", ParsePain);
        r.Parser("hour", ParseHour);
    }

    private string Begin(TurnContext ctx)
    {
        foreach (var v in Vars) ctx.State.Remove(v);
        return ctx.MemberId is { } id && notes.Find(id) is not null ? "saved" : "new";
    }

    /// <summary>"hour" when the exposure may still be within the urgent window: its hour decides what is still possible.</summary>
    private string SetDate(TurnContext ctx)
    {
        var nowParis = ServicesFeature.ParisNow(ctx.Now);
        var today = DateOnly.FromDateTime(nowParis);
        ctx.State.Remove("health_over3");
        ctx.State.Remove("health_hour");
        switch (ctx.Answer.FirstOrDefault() ?? "")
        {
            case "today": ctx.State.Set("health_date", Iso(today)); break;
            case "yesterday": ctx.State.Set("health_date", Iso(today.AddDays(-1))); break;
            case "over3": ctx.State.Remove("health_date"); ctx.State.Set("health_over3", "1"); break;
            case var iso: ctx.State.Set("health_date", iso); break;
        }
        var a = Answers(ctx);
        return DoctorSummary.ExposureSituations.Contains(a.What) && ExposureDelay.Of(a, nowParis) is { } d && d.MayBeWithin(facts.UrgentHours) ? "hour" : "ok";
    }

    /// <summary>Records the hour, then gives the urgent advice when the exposure is recent enough ("urgent").</summary>
    private string SetHour(TurnContext ctx)
    {
        var answer = ctx.Answer.FirstOrDefault() ?? "";
        if (answer == "unknown") ctx.State.Remove("health_hour");
        else ctx.State.Set("health_hour", answer);
        var nowParis = ServicesFeature.ParisNow(ctx.Now);
        if (ExposureDelay.Of(Answers(ctx), nowParis) is not { } delay || !delay.MayBeWithin(facts.UrgentHours)) return "ok";
        urgent.Say(ctx, delay);
        return "urgent";
    }

    /// <summary>The nearest emergency department and sexual-health centre, open now first.</summary>
    private string Nearest(TurnContext ctx)
    {
        var where = ctx.Answer.FirstOrDefault() ?? "";
        if (where is not ("" or "skip") && services.NearestForHealth(ctx, where) is { } text) ctx.Add(new Reply(text));
        ctx.Say("health.urgent.go_on");
        return "ok";
    }

    private static ParseResult ParsePain(TurnContext ctx) =>
        // "7", "7/10", "٧", "７", "sept", "七": the first number, from 0 to 10.
        LocalNumbers.First(ctx.Input.Text, 0, 10) is { } n
            ? ParseResult.Success(n.ToString(CultureInfo.InvariantCulture))
            : ParseResult.Fail("health.pain_invalid");

    /// <summary>"15h", "15:30", "3 pm", "٣ مساءً", "下午3点", "vers 9h du soir": a time of day, Paris time.</summary>
    private ParseResult ParseHour(TurnContext ctx)
    {
        var text = ctx.Input.Text;
        var numbers = LocalNumbers.All(text);
        if (numbers.Count == 0 && NoonOrMidnight().Match(TextFolding.Fold(text)) is { Success: true } word)
            numbers = [word.Groups["noon"].Success ? 12 : 0];
        if (numbers.Count == 0 || numbers[0] > 24) return ParseResult.Fail("health.hour_invalid");
        var hour = numbers[0] % 24;
        var minute = numbers.Count > 1 && numbers[1] < 60 ? numbers[1] : 0;
        if (hour < 12 && Evening().IsMatch(TextFolding.Fold(text))) hour += 12;
        var time = new TimeOnly(hour, minute);
        var nowParis = ServicesFeature.ParisNow(ctx.Now);
        if (ctx.State.Get("health_date") is { } d && DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(time) > nowParis.AddMinutes(10))
            return ParseResult.Fail("health.hour_future");
        return ParseResult.Success(time.ToString("HH:mm", CultureInfo.InvariantCulture));
    }

    // Afternoon and evening markers, folded: pm, du soir, de la tarde/noche, da tarde/noite, seara, вечера, 下午, 晚上, مساء.
    [GeneratedRegex(@"(?<!\p{L})(pm|p m|soir|apres midi|tarde|noche|noite|seara|dupa amiaza|вечера|вечер|вечора|вечерта|следобед|مساء|مساءا)(?!\p{L})|下午|晚上")]
    private static partial Regex Evening();

    [GeneratedRegex(@"(?<noon>midi|noon|mediodia|meio dia|pranz|amiaza|полдень|обед|пладне|опівдні|полудень|中午|ظهرا|الظهر)|(?<midnight>minuit|midnight|medianoche|meia noite|miezul noptii|полночь|полунощ|північ|半夜|午夜|منتصف الليل)")]
    private static partial Regex NoonOrMidnight();

    private static string SetFree(TurnContext ctx, string var)
    {
        var answer = ctx.Answer.FirstOrDefault() ?? "";
        if (answer is "" or "none") ctx.State.Remove(var);
        else ctx.State.Set(var, answer);
        return "ok";
    }

    public static HealthAnswers Answers(TurnContext ctx)
    {
        var s = ctx.State;
        return new HealthAnswers(
            s.Get("health_what") ?? "",
            s.Get("health_date") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            s.Get("health_over3") is not null,
            s.GetAll("health_exposure"),
            s.GetAll("health_symptoms"),
            s.Get("health_pain") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : null,
            s.Get("health_allergies"),
            s.Get("health_treatments"),
            s.GetAll("health_needs"),
            s.Language)
        {
            Hour = s.Get("health_hour") is { } h ? TimeOnly.ParseExact(h, "HH:mm", CultureInfo.InvariantCulture) : null,
            Pregnant = s.Get("health_pregnant") is { } preg and not "skip" ? preg : null,
        };
    }

    private string Summary(TurnContext ctx)
    {
        var nowParis = ServicesFeature.ParisNow(ctx.Now);
        var answers = Answers(ctx);
        // Said again at the end, shortly: she may have skimmed past it while answering.
        if (DoctorSummary.Exposed(answers) && ExposureDelay.Of(answers, nowParis) is { } delay && delay.MayBeWithin(facts.UrgentHours))
            ctx.Add(new Reply(ctx.Text("health.urgent.reminder", facts.Placeholders)));
        var lines = DoctorSummary.Lines(answers, nowParis, facts);
        var note = DoctorSummary.Title + "\n" + string.Join('\n', lines);
        Send(ctx, note, lines);
        var keep = ctx.State.Get("health_keep") == "keep" && ctx.MemberId is not null;
        if (keep) notes.Keep(ctx.MemberId!, note, ctx.Now.UtcDateTime);
        ctx.Say(keep ? "health.kept" : "health.not_kept");
        // The flow ends here and the engine clears the state; cleared now as well, so nothing outlives this turn.
        foreach (var v in Vars) ctx.State.Remove(v);
        return "ok";
    }

    private string ShowSaved(TurnContext ctx)
    {
        if (ctx.MemberId is not { } id || notes.Find(id) is not { } saved)
        {
            ctx.Say("health.no_saved");
            return "ok";
        }
        var lines = saved.Note.Split('\n');
        Send(ctx, saved.Note, lines.Skip(1).ToList());
        return "ok";
    }

    private void Send(TurnContext ctx, string note, IReadOnlyList<string> lines)
    {
        ctx.Say("health.intro");
        ctx.Add(new Reply(note));
        try
        {
            var pdf = NotePdf.Render(DoctorSummary.Title, lines);
            ctx.Add(new Reply(ctx.Text("health.pdf_caption")) { DocumentBytes = pdf, DocumentName = PdfName, DocumentMime = "application/pdf" });
        }
        catch (NoteFontsMissingException e)
        {
            // The text note above is complete; the operator learns what to install (the message names no person).
            logger.LogError("The doctor's note PDF was not made: {Reason}", e.Message);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            // No native Skia or HarfBuzz for this platform: the text note still goes out.
            logger.LogError("The doctor's note PDF was not made: the native PDF library could not load ({Type})", e.GetType().Name);
        }
    }

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
