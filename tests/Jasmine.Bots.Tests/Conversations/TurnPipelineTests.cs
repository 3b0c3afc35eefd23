using Jasmine.Bots.Conversations;
using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jasmine.Bots.Tests.Conversations;

/// <summary>
/// Issue 13: when a host action fails half-way, nothing it wrote may stay on disk, she gets the kind error answer,
/// and sending the same message again creates exactly one report.
/// </summary>
public sealed class TurnPipelineTests : IDisposable
{
    private readonly string _flows = Path.Combine(Path.GetTempPath(), "jasmine-tests", "flows-" + Guid.NewGuid().ToString("N"));
    private readonly Exploding _explode = new();
    private readonly JasmineFactory _host;

    /// <summary>An action run right after the report is saved, that fails while armed (a disk error, a bug in a later step).</summary>
    private sealed class Exploding : IFlowFeature
    {
        public bool Armed { get; set; }
        public int Runs { get; private set; }

        public void Register(FlowRegistry registry) => registry.Action("test.explode", _ =>
        {
            Runs++;
            if (Armed) throw new InvalidOperationException("the disk is full");
            return "ok";
        });
    }

    public TurnPipelineTests()
    {
        // The real flows, with one more step after the report is written.
        Directory.CreateDirectory(_flows);
        var source = Support.Repository.Path("conversations");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_flows, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var report = Path.Combine(_flows, "report.yaml");
        var yaml = File.ReadAllText(report);
        const string save = "  save:\n    action: report.save\n    next: \"@wipe/offer\"";
        Assert.Contains(save, yaml);
        File.WriteAllText(report, yaml.Replace(save, "  save:\n    action: report.save\n    next: explode\n  explode:\n    action: test.explode\n    next: \"@wipe/offer\""));
        _host = new JasmineFactory(new() { ["Jasmine:Conversations:FlowsDirectory"] = _flows }, services: s => s.AddSingleton<IFlowFeature>(_explode));
    }

    [Fact]
    public async Task A_turn_that_fails_after_the_report_was_written_leaves_nothing_and_the_retry_saves_it_once()
    {
        var chat = _host.Chat("half-way");
        await chat.Join(_host.NewInvite());
        foreach (var step in new[] { "/report", "0611223344", "1", "2", "11", "1", "Lyon", "He hurt me near the station", "1", "1", "1", "4" }) await chat.Send(step);
        chat.Expect("send");
        var store = _host.Get<JasmineStore>();
        var before = store.Reports.Count();

        _explode.Armed = true;
        await chat.Send("1");
        chat.Expect("Oops, a problem on our side");
        Assert.Equal(1, _explode.Runs);
        Assert.Equal(before, store.Reports.Count()); // the report written before the failure was rolled back
        Assert.Equal("confirm", _host.Get<ConversationStore>().Load("try:half-way")!.Step); // and she is where she was

        _explode.Armed = false;
        await chat.Send("1");
        Assert.Equal(before + 1, store.Reports.Count());
        await chat.Send("1");
        Assert.Equal(before + 1, store.Reports.Count());
    }

    public void Dispose()
    {
        _host.Dispose();
        try { Directory.Delete(_flows, recursive: true); } catch (IOException) { }
    }
}
