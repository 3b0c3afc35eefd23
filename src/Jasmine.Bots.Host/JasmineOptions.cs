namespace Jasmine.Bots;

/// <summary>Settings of the host, bound from the "Jasmine" section (appsettings, user-secrets, environment).</summary>
public sealed class JasmineOptions
{
    public const string Section = "Jasmine";

    /// <summary>Where the embedded store and its key file live.</summary>
    public string DataDirectory { get; set; } = "data";
    /// <summary>Region used to read national phone numbers (06 12 34 56 78 → +33…).</summary>
    public string DefaultRegion { get; set; } = "FR";
    /// <summary>Master key (base64, 32 bytes). When empty, a key file is generated in the data directory.</summary>
    public string? MasterKey { get; set; }
    public ScreeningOptions Screening { get; set; } = new();
    public InviteOptions Invites { get; set; } = new();
    public TryItOptions TryIt { get; set; } = new();
    public ConversationOptions Conversations { get; set; } = new();
    public StoreOptions Store { get; set; } = new();

    public string DataPath(string file) => Path.Combine(Path.GetFullPath(DataDirectory), file);
}

public sealed class StoreOptions
{
    /// <summary>
    /// A message is answered (the webhook's 200, the try-it reply) only once its turn is fsynced to the disk, in groups.
    /// Off, a commit is kept by the kernel only: it survives the process being killed, not a power cut.
    /// </summary>
    public bool Durable { get; set; } = true;

    /// <summary>"litedb" (the embedded default: one file, one host) or "postgres" (several hosts share one database).</summary>
    public string Provider { get; set; } = "litedb";

    /// <summary>The PostgreSQL connection string (postgres only). Never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The PostgreSQL schema the store's tables live in; hosts that share the data share it.</summary>
    public string Schema { get; set; } = "jasmine";

    /// <summary>
    /// With several hosts on one database: how long a host's hold on a conversation's sending lasts without being
    /// renewed. A host killed mid-way holds its conversations that long before another host sends for them.
    /// </summary>
    public int ClaimSeconds { get; set; } = 30;
}

public sealed class ScreeningOptions
{
    /// <summary>Look-ups one member may do per hour: enough for work, too few to enumerate the base.</summary>
    public int PerHour { get; set; } = 60;
    /// <summary>Look-ups a whole referral branch may do per hour (sliding): inviting oneself new accounts does not multiply the allowance.</summary>
    public int PerBranchPerHour { get; set; } = 240;
}

public sealed class InviteOptions
{
    public int ValidDays { get; set; } = 14;
    /// <summary>Codes a member may issue per 30 days; organisations get <see cref="OrganisationQuota"/>.</summary>
    public int MemberQuota { get; set; } = 5;
    public int OrganisationQuota { get; set; } = 50;
    /// <summary>A new member vouches for others only after this many days.</summary>
    public int NewMemberWaitDays { get; set; } = 7;
    /// <summary>Codes a whole referral branch of members may issue per day.</summary>
    public int PerBranchPerDay { get; set; } = 10;
}

public sealed class TryItOptions
{
    /// <summary>Unset: on in Development only. The deploy files never turn it on.</summary>
    public bool? Enabled { get; set; }
    public int PerSessionPerMinute { get; set; } = 30;
    public int PerAddressPerMinute { get; set; } = 120;
}

public sealed class ConversationOptions
{
    public TimeSpan ResumePromptAfter { get; set; } = TimeSpan.FromHours(1);
    /// <summary>A half-filled flow (a report) untouched this long is discarded.</summary>
    public TimeSpan DiscardAfter { get; set; } = TimeSpan.FromDays(3);
    public string? FlowsDirectory { get; set; }
    public string? LocalesDirectory { get; set; }
}
