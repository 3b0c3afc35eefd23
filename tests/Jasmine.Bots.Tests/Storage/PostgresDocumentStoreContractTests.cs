using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Jobs;
using Npgsql;

namespace Jasmine.Bots.Tests.Storage;

/// <summary>The contract on PostgreSQL, each test in a schema of its own (dropped after), and what only a shared database can show.</summary>
[NeedsPostgres]
public sealed class PostgresDocumentStoreContractTests : DocumentStoreContractTests
{
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly List<IDocumentStore> _others = [];

    protected override IDocumentStore CreateStore() => new PostgresDocumentStore(TestPostgres.ConnectionString!, _schema);

    /// <summary>Another host on the same database and schema.</summary>
    private PostgresDocumentStore AnotherHost()
    {
        var store = new PostgresDocumentStore(TestPostgres.ConnectionString!, _schema);
        lock (_others) _others.Add(store);
        return store;
    }

    public override void Dispose()
    {
        base.Dispose();
        foreach (var other in _others) other.Dispose();
        if (TestPostgres.ConnectionString is not null) TestPostgres.Drop(_schema);
    }

    [PostgresFact]
    public void Hosts_starting_together_create_the_schema_once_without_error()
    {
        var hosts = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ => AnotherHost()).ToList();
        Assert.All(hosts, h => Assert.True(h.IsOpen()));
        Assert.Equal("postgres", hosts[0].Provider);
        Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).ForAll(i => hosts[i].Collection<ContractDoc>("things").EnsureIndex(x => x.Name));
        Assert.Equal(1L, Sql<long>($"SELECT count(*) FROM {_schema}.store_migrations WHERE version = 1"));
    }

    [PostgresFact]
    public void Two_hosts_see_each_others_commits_and_never_interleave_read_modify_write()
    {
        var other = AnotherHost();
        Docs.Insert(new ContractDoc { Id = "a", Name = "from one" });
        Assert.Equal("from one", other.Collection<ContractDoc>("things").FindById("a")!.Name);

        var stores = new IDocumentStore[] { Store, other };
        var threads = stores.Select(store => new Thread(() =>
        {
            var counters = store.Collection<CounterDoc>("rmw");
            for (var i = 0; i < 100; i++)
            {
                store.InTransaction(() =>
                {
                    var counter = counters.FindById("n") ?? new CounterDoc { Id = "n" };
                    counter.Count++;
                    counters.Upsert(counter);
                    return 0;
                });
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(200, Store.Collection<CounterDoc>("rmw").FindById("n")!.Count);
    }

    [PostgresFact]
    public void Filters_it_cannot_read_are_refused_not_guessed()
    {
        Seed();
        Assert.Throws<NotSupportedException>(() => Docs.Find(x => x.Name.EndsWith("a")));
        Assert.Throws<NotSupportedException>(() => Docs.Find(x => x.Name.Length > 2));
        Assert.Throws<NotSupportedException>(() => Docs.Find(x => x.Rank == x.Big));
        Assert.Throws<NotSupportedException>(() => Docs.Find(x => x.Shade > Shade.Red));
        Assert.Throws<NotSupportedException>(() => Docs.Find(x => x.Parts.Count > 0));
        Assert.Throws<NotSupportedException>(() => Docs.Find(x => x.Name.StartsWith("a", StringComparison.OrdinalIgnoreCase)));
        Assert.Throws<NotSupportedException>(() => Docs.Find(x => x.At.Year == 2026));
        const string letters = "abc";
        Assert.Throws<NotSupportedException>(() => Docs.Find(x => letters.Contains(x.Name)));
    }

    [PostgresFact]
    public void Dates_are_one_fixed_width_utc_text_and_unspecified_means_utc()
    {
        var unspecified = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Unspecified).AddTicks(1);
        Docs.Insert(new ContractDoc { Id = "a", At = unspecified, DoneAt = DateTime.MinValue });
        Assert.Equal("2026-01-02T03:04:05.0000001Z", Sql<string>($"SELECT doc->>'At' FROM {_schema}.things WHERE id = 'a'"));
        Assert.Equal("0001-01-01T00:00:00.0000000Z", Sql<string>($"SELECT doc->>'DoneAt' FROM {_schema}.things WHERE id = 'a'"));
        var back = Docs.FindById("a")!;
        Assert.Equal(unspecified.Ticks, back.At.Ticks);
        Assert.Equal(DateTimeKind.Utc, back.At.Kind);
        Assert.Equal("a", Assert.Single(Docs.Find(x => x.At > DateTime.SpecifyKind(unspecified, DateTimeKind.Utc).AddTicks(-1))).Id);
    }

    [PostgresFact]
    public void An_update_onto_a_unique_value_is_a_duplicate_and_the_transaction_survives_it()
    {
        Docs.EnsureIndex(x => x.Name, unique: true);
        Docs.Insert(new ContractDoc { Id = "a", Name = "taken" });
        Docs.Insert(new ContractDoc { Id = "b", Name = "free" });
        Store.InTransaction(() =>
        {
            Assert.Throws<DuplicateKeyException>(() => Docs.Update(new ContractDoc { Id = "b", Name = "taken" }));
            Assert.Throws<DuplicateKeyException>(() => Docs.Upsert(new ContractDoc { Id = "c", Name = "taken" }));
            Docs.Insert(new ContractDoc { Id = "d", Name = "later" });
            return 0;
        });
        Assert.Equal("a,b,d", Ids(Docs.FindAll()));
        Assert.Equal("free", Docs.FindById("b")!.Name);
    }

    [PostgresFact]
    public void A_transaction_whose_statement_failed_does_not_pretend_to_commit()
    {
        Docs.Insert(new ContractDoc { Id = "a", Name = "taken" });
        Docs.Insert(new ContractDoc { Id = "b", Name = "free" });
        // A unique index this host was never told of (another host made it): no savepoint guards the update.
        Sql<long>($"CREATE UNIQUE INDEX other_host ON {_schema}.things ((doc->>'Name')); SELECT 0::bigint");
        Assert.Throws<InvalidOperationException>(() => Store.InTransaction(() =>
        {
            Docs.Insert(new ContractDoc { Id = "c", Name = "new" });
            Assert.Throws<DuplicateKeyException>(() => Docs.Update(new ContractDoc { Id = "b", Name = "taken" }));
            return 0;
        }));
        Assert.Equal("a,b", Ids(Docs.FindAll()));
    }

    [PostgresFact]
    public void A_value_postgresql_cannot_read_is_not_quoted_in_the_error()
    {
        Docs.Insert(new ContractDoc { Id = "a", Rank = 1 });
        Sql<long>($"INSERT INTO {_schema}.things (id, doc) VALUES ('b', '{{\"Id\":\"b\",\"Rank\":\"secret-text\"}}'); SELECT 0::bigint");
        var refused = Assert.Throws<InvalidOperationException>(() => Docs.Find(x => x.Rank > 0));
        Assert.DoesNotContain("secret", refused.ToString());
    }

    [PostgresFact]
    public void The_filter_and_the_index_are_one_expression_so_the_planner_uses_it()
    {
        Docs.EnsureIndex(x => x.Name);
        Docs.InsertBulk(Enumerable.Range(0, 2_000).Select(i => new ContractDoc { Id = $"k{i}", Name = $"n{i}" }));
        Sql<long>($"ANALYZE {_schema}.things; SELECT 0::bigint");
        var plan = Sql<string>($"EXPLAIN SELECT doc FROM {_schema}.things WHERE ((doc->>'Name') COLLATE \"C\") = 'n5'");
        Assert.Contains("Index", plan);
    }

    private T Sql<T>(string sql)
    {
        _ = Store;
        using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return (T)command.ExecuteScalar()!;
    }
}
