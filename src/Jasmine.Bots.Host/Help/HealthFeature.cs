using System.Globalization;
using Jasmine.Bots.Conversations;

namespace Jasmine.Bots.Help;

/// <summary>
/// The actions of <c>conversations/health.yaml</c>. The answers live only in the (encrypted) conversation state and
/// are gone when the flow ends with the note; a copy is kept only when she asked for one.
/// </summary>
public sealed class HealthFeature(HealthNoteStore notes) : IFlowFeature
{
    public const string PdfName = "note-medecin.pdf";

    private static readonly string[] Vars =
        ["health_what", "health_date", "health_over3", "health_exposure", "health_symptoms", "health_pain", "health_allergies", "health_treatments", "health_needs", "health_keep"];

    public void Register(FlowRegistry r)
    {
        r.Action("health.begin", Begin);
        r.Action("health.set-date", SetDate);
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
    }

    private string Begin(TurnContext ctx)
    {
        foreach (var v in Vars) ctx.State.Remove(v);
        return ctx.MemberId is { } id && notes.Find(id) is not null ? "saved" : "new";
    }

    private static string SetDate(TurnContext ctx)
    {
        var today = DateOnly.FromDateTime(ServicesFeature.ParisNow(ctx.Now));
        ctx.State.Remove("health_over3");
        switch (ctx.Answer.FirstOrDefault() ?? "")
        {
            case "today": ctx.State.Set("health_date", Iso(today)); break;
            case "yesterday": ctx.State.Set("health_date", Iso(today.AddDays(-1))); break;
            case "over3": ctx.State.Remove("health_date"); ctx.State.Set("health_over3", "1"); break;
            case var iso: ctx.State.Set("health_date", iso); break;
        }
        return "ok";
    }

    private static ParseResult ParsePain(TurnContext ctx)
    {
        // "7", "7/10", "7 sur 10": the first number, from 0 to 10.
        var digits = new string(ctx.Input.Text.Trim().TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 10
            ? ParseResult.Success(n.ToString(CultureInfo.InvariantCulture))
            : ParseResult.Fail("health.pain_invalid");
    }

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
            s.Language);
    }

    private string Summary(TurnContext ctx)
    {
        var today = DateOnly.FromDateTime(ServicesFeature.ParisNow(ctx.Now));
        var lines = DoctorSummary.Lines(Answers(ctx), today);
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

    private static void Send(TurnContext ctx, string note, IReadOnlyList<string> lines)
    {
        ctx.Say("health.intro");
        ctx.Add(new Reply(note));
        ctx.Add(new Reply(ctx.Text("health.pdf_caption"))
        {
            DocumentBytes = SimplePdf.Render(DoctorSummary.Title, lines),
            DocumentName = PdfName,
            DocumentMime = "application/pdf",
        });
    }

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
