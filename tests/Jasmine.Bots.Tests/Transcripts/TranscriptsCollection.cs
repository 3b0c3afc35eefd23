namespace Jasmine.Bots.Tests.Transcripts;

/// <summary>
/// The transcript tests run one at a time and after the parallel ones. Hangfire keeps process-wide state (its log
/// provider points at the last started host's logger factory): a host disposed by a test running alongside would
/// make the next job enqueued here (WIPE, a saved report) fail with ObjectDisposedException.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TranscriptsCollection
{
    public const string Name = "Transcripts (one host at a time)";
}
