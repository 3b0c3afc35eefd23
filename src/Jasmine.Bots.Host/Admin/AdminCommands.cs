using Jasmine.Bots.Domain;
using Jasmine.Bots.Identifiers;
using Jasmine.Bots.Members;
using Jasmine.Bots.Profiles;
using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Admin;

/// <summary>A command run from the shell: the same code whether the host is running (through its admin socket) or not.</summary>
public interface IAdminCommand
{
    string Name { get; }
    string Usage { get; }
    Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct);
}

/// <summary>Finds and runs admin commands; bad arguments print the usage and exit 2.</summary>
public sealed class AdminCommands(IEnumerable<IAdminCommand> commands)
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
        { "invite", "classify", "stats", "backup", "restore", "store", "telegram", "sms", "cases", "warnings", "staff", "services", "federation", "help", "--help" };

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var command = args.Count > 0 ? commands.FirstOrDefault(c => c.Name == args[0]) : null;
        if (command is null)
        {
            PrintUsage(output);
            return args.Count > 0 && args[0] is "help" or "--help" ? 0 : 2;
        }
        return await RunOneAsync(command, args.Skip(1).ToList(), output, ct);
    }

    public static async Task<int> RunOneAsync(IAdminCommand command, IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        try
        {
            return await command.RunAsync(args, output, ct);
        }
        catch (UsageException e)
        {
            await output.WriteLineAsync(e.Message);
            await output.WriteLineAsync("usage: " + command.Usage);
            return 2;
        }
    }

    public void PrintUsage(TextWriter output)
    {
        output.WriteLine("Jasmine.Bots admin commands:");
        foreach (var c in commands.OrderBy(c => c.Name, StringComparer.Ordinal)) output.WriteLine("  " + c.Usage);
    }
}

public sealed class UsageException(string message) : Exception(message);

public static class AdminArgs
{
    public static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == name) return i + 1 < args.Count ? args[i + 1] : throw new UsageException($"{name} needs a value.");
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal)) return args[i][(name.Length + 1)..];
        }
        return null;
    }

    /// <summary>Arguments that are not options nor option values.</summary>
    public static List<string> Positional(IReadOnlyList<string> args, params string[] optionsWithValues)
    {
        var list = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (optionsWithValues.Contains(args[i])) { i++; continue; }
            if (args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            list.Add(args[i]);
        }
        return list;
    }
}

public sealed class InviteCommand(MemberService members) : IAdminCommand
{
    public string Name => "invite";
    public string Usage => "invite --role member|organisation|moderator [--count N]   prints new single-use codes, one per line";

    public Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var role = (AdminArgs.Option(args, "--role") ?? throw new UsageException("--role is required.")) switch
        {
            "member" => MemberRole.Member,
            "organisation" or "organization" => MemberRole.Organisation,
            "moderator" => MemberRole.Moderator,
            "admin" => MemberRole.Admin,
            var other => throw new UsageException($"Unknown role '{other}'."),
        };
        var countText = AdminArgs.Option(args, "--count") ?? "1";
        if (!int.TryParse(countText, out var count) || count is < 1 or > 1000) throw new UsageException("--count must be between 1 and 1000.");
        output.WriteLine($"{count} single-use {role.ToString().ToLowerInvariant()} code(s); send JOIN <code> to the bot, or open t.me/<bot>?start=<code>:");
        for (var i = 0; i < count; i++) output.WriteLine(members.CreateInvite(null, role));
        return Task.FromResult(0);
    }
}

public sealed class ClassifyCommand(IdentifierParser parser, ProfileService profiles, IEnumerable<IClassificationListener> listeners) : IAdminCommand
{
    public string Name => "classify";
    public string Usage => "classify <identifier> very-dangerous|risky|annoying|not-signaled [--kind phone|email|plate|name|handle]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var positional = AdminArgs.Positional(args, "--kind");
        if (positional.Count < 2) throw new UsageException("An identifier and a classification are required.");
        var classification = ClassificationNames.FromCli(positional[^1]) ?? throw new UsageException($"Unknown classification '{positional[^1]}'.");
        var raw = string.Join(' ', positional.Take(positional.Count - 1));
        var identifier = Parse(raw, AdminArgs.Option(args, "--kind")) ?? throw new UsageException("Cannot read that identifier.");
        var (profile, previous) = profiles.Classify(identifier, classification, "cli");
        output.WriteLine($"{identifier.Kind} classified {ClassificationNames.ToCli(classification)} (was {ClassificationNames.ToCli(previous)}); profile {profile.Id[..8]}, {profile.Identifiers.Count} identifier(s).");
        foreach (var listener in listeners) await listener.ClassifiedAsync(profile, previous, output, ct);
        return 0;
    }

    private Identifier? Parse(string raw, string? kind)
    {
        if (kind is not null)
        {
            if (!Enum.TryParse<IdentifierKind>(kind, ignoreCase: true, out var k)) throw new UsageException($"Unknown kind '{kind}'.");
            return parser.Normalize(k, raw);
        }
        var found = parser.Extract(raw);
        if (found.Count == 1) return found[0];
        if (found.Count > 1) throw new UsageException("Several identifiers found; give one at a time.");
        return parser.Normalize(IdentifierKind.Name, raw);
    }
}

/// <summary>Told when staff classify a profile (push warnings hang off this).</summary>
public interface IClassificationListener
{
    Task ClassifiedAsync(ProfileDoc profile, Classification previous, TextWriter output, CancellationToken ct);
}

public sealed class StatsCommand(JasmineStore store) : IAdminCommand
{
    public string Name => "stats";
    public string Usage => "stats   prints the anonymous counters (reports per category per month, matches, members)";

    public Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var counters = store.Counters.FindAll().OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        output.WriteLine($"members (total): {store.Members.Count()}");
        output.WriteLine($"profiles (total): {store.Profiles.Count()}");
        output.WriteLine($"reports (total): {store.Reports.Count()}");
        if (counters.Count == 0) output.WriteLine("no counters yet");
        foreach (var c in counters) output.WriteLine($"{c.Id.Replace(':', ' ')}: {c.Count}");
        return Task.FromResult(0);
    }
}
