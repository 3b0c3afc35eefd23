using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Jobs;
using Jasmine.Bots.Tests.Support;

namespace Jasmine.Bots.Tests.Storage;

/// <summary>
/// Moving a deployment from the embedded store to PostgreSQL, and keeping it there, as the README says: the real
/// executable's <c>store migrate --to postgres</c>, <c>backup</c> and <c>restore</c>, then a host on the new store.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostgresMoveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jasmine-move-").FullName;
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly string _restored = TestPostgres.NewSchema();

    public void Dispose()
    {
        if (TestPostgres.ConnectionString is not null)
        {
            TestPostgres.Drop(_schema);
            TestPostgres.Drop(_restored);
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static readonly string[] Report = ["/report", "0611000002", "1", "7", "11", "1", "skip", "skip", "2", "1"];

    private Dictionary<string, string?> Postgres(string schema) => new()
    {
        ["Jasmine:Store:Provider"] = "postgres",
        ["Jasmine:Store:ConnectionString"] = TestPostgres.ConnectionString,
        ["Jasmine:Store:Schema"] = schema,
    };

    private string[] Cli(string schema, params string[] args) =>
        [.. args, $"--Jasmine:Store:ConnectionString={TestPostgres.ConnectionString}", $"--Jasmine:Store:Schema={schema}"];

    [PostgresFact]
    public async Task The_embedded_store_moves_to_postgres_encrypted_and_a_postgres_backup_restores_into_an_empty_schema()
    {
        string reference;
        using (var embedded = new JasmineFactory(dataDirectory: _dir))
        {
            var lili = embedded.Chat("lili");
            await lili.Join(embedded.NewInvite(), pseudonym: "Lili");
            foreach (var step in Report) await lili.Send(step);
            lili.Expect("Your report R-");
            reference = embedded.Get<JasmineStore>().Reports.FindAll().Single().Reference;
            // A report begun and not finished: her draft must come across too.
            await lili.Send("/report");
            await lili.Send("0611000003");
        }

        var (code, said) = await HostProcess.RunCliAsync(_dir, Cli(_schema, "store", "migrate", "--to", "postgres"));
        Assert.True(code == 0, said);
        Assert.Contains("Copied", said);
        Assert.Contains("1 member(s), 1 report(s)", said);
        Assert.DoesNotContain("Password", said, StringComparison.OrdinalIgnoreCase);

        // Nothing in clear in any column: her pseudonym and the number she reported are nowhere in the tables.
        using (var connection = new Npgsql.NpgsqlConnection(TestPostgres.ConnectionString))
        {
            connection.Open();
            using var dump = new Npgsql.NpgsqlCommand($"SELECT string_agg(doc::text, ' ') FROM (SELECT doc FROM {_schema}.members UNION ALL SELECT doc FROM {_schema}.reports UNION ALL SELECT doc FROM {_schema}.conversations UNION ALL SELECT doc FROM {_schema}.profiles) d", connection);
            var text = (string)dump.ExecuteScalar()!;
            Assert.DoesNotContain("Lili", text);
            Assert.DoesNotContain("0611000002", text);
            Assert.DoesNotContain("611000002", text);
        }

        // A second run would copy on top of the first: refused.
        (code, said) = await HostProcess.RunCliAsync(_dir, Cli(_schema, "store", "migrate", "--to", "postgres"));
        Assert.Equal(1, code);
        Assert.Contains("already holds data", said);

        using (var moved = new JasmineFactory(Postgres(_schema), _dir))
        {
            var store = moved.Get<JasmineStore>();
            Assert.Equal("postgres", store.Provider);
            Assert.Equal(reference, store.Reports.FindAll().Single().Reference);
            // She carries on where she was, on the new store: MENU asks what to do with her unfinished report.
            var lili = moved.Chat("lili");
            await lili.Send("menu");
            Assert.Contains("answers in progress", lili.LastText);
        }

        // backup of the PostgreSQL store, restore into an empty schema, and the same data there.
        var file = Path.Combine(_dir, "pg-backup.jsonl");
        (code, said) = await HostProcess.RunCliAsync(_dir, Cli(_schema, "backup", file, "--Jasmine:Store:Provider=postgres"));
        Assert.True(code == 0, said);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.DoesNotContain("Lili", File.ReadAllText(file));
        (code, said) = await HostProcess.RunCliAsync(_dir, Cli(_restored, "restore", file, "--Jasmine:Store:Provider=postgres"));
        Assert.True(code == 0, said);
        Assert.Contains("1 member(s), 1 report(s)", said);
        (code, said) = await HostProcess.RunCliAsync(_dir, Cli(_restored, "restore", file, "--Jasmine:Store:Provider=postgres"));
        Assert.Equal(1, code);
        Assert.Contains("already holds data", said);
        using (var restored = new JasmineFactory(Postgres(_restored), _dir))
            Assert.Equal(reference, restored.Get<JasmineStore>().Reports.FindAll().Single().Reference);
    }
}
