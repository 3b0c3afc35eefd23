namespace Jasmine.Bots.Domain;

public enum MemberRole { Member, Organisation, Moderator, Admin }

public enum MemberStatus { Active, Suspended }

/// <summary>What staff decided about a profile; Pending until a person has read the reports.</summary>
public enum Classification { Pending, VeryDangerous, Risky, Annoying, NotSignaled }

/// <summary>Where a member wants push warnings from.</summary>
public enum WarningScope { Departement, France, None }

/// <summary>What happened, as a report records it. Values are stable: they are stored and counted.</summary>
public static class ReportCategories
{
    public const string AggravatedViolence = "aggravated-violence";
    public const string Rape = "rape";
    public const string Stealthing = "stealthing";
    public const string SexualAggression = "sexual-aggression";
    public const string Assault = "assault";
    public const string ArmedRobbery = "armed-robbery";
    public const string Theft = "theft";
    public const string Harassment = "harassment";
    public const string Timewaster = "timewaster";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All =
        [AggravatedViolence, Rape, Stealthing, SexualAggression, Assault, ArmedRobbery, Theft, Harassment, Timewaster, Other];

    /// <summary>Categories that make a report a follow-up case when she agreed to be contacted (configurable on top).</summary>
    public static readonly IReadOnlyList<string> SevereByDefault = [AggravatedViolence, Rape, SexualAggression, ArmedRobbery, Stealthing];
}

public static class ClassificationNames
{
    public static string ToCli(Classification c) => c switch
    {
        Classification.VeryDangerous => "very-dangerous",
        Classification.Risky => "risky",
        Classification.Annoying => "annoying",
        Classification.NotSignaled => "not-signaled",
        _ => "pending",
    };

    public static Classification? FromCli(string s) => s.Trim().ToLowerInvariant() switch
    {
        "very-dangerous" => Classification.VeryDangerous,
        "risky" => Classification.Risky,
        "annoying" => Classification.Annoying,
        "not-signaled" => Classification.NotSignaled,
        _ => null,
    };
}
