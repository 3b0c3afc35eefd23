using Jasmine.Bots.Storage;
using Jasmine.Bots.Tests.Jobs;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Jasmine.Bots.Tests.Storage;

public enum Shade { Red, Green, Blue }

public sealed class ContractPart
{
    public string Code { get; set; } = "";
    public int Weight { get; set; }
    public Shade Shade { get; set; }
}

/// <summary>A document with a field of every kind the features store.</summary>
public sealed class ContractDoc
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Note { get; set; }
    public int Rank { get; set; }
    public long Big { get; set; }
    public bool Flag { get; set; }
    public Shade Shade { get; set; }
    public DateTime At { get; set; }
    public DateTime? DoneAt { get; set; }
    public int? Score { get; set; }
    public List<string> Tags { get; set; } = [];
    public List<ContractPart> Parts { get; set; } = [];
    public ContractPart? Main { get; set; }
    public byte[] Blob { get; set; } = [];
}

public sealed class NumberedDoc
{
    public long Id { get; set; }
    public string Text { get; set; } = "";
}

/// <summary>
/// What every <see cref="IDocumentStore"/> must answer alike: each concrete subclass runs these cases against one
/// store. A feature written against LiteDB in development then behaves the same on PostgreSQL in production.
/// </summary>
public abstract class DocumentStoreContractTests : IDisposable
{
    /// <summary>Whole milliseconds: LiteDB keeps no finer, and the contract is about what both keep.</summary>
    protected static readonly DateTime T0 = new(2026, 3, 14, 15, 9, 26, 535, DateTimeKind.Utc);

    private readonly Lazy<IDocumentStore> _store;

    protected DocumentStoreContractTests() => _store = new(CreateStore);

    protected IDocumentStore Store => _store.Value;

    protected IDocs<ContractDoc> Docs => Store.Collection<ContractDoc>("things");

    protected abstract IDocumentStore CreateStore();

    public virtual void Dispose()
    {
        if (_store.IsValueCreated) _store.Value.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Four documents: names that sort differently by ordinal and by culture, nulls in the nullable fields.</summary>
    protected void Seed()
    {
        Docs.Insert(new ContractDoc { Id = "a", Name = "Alpha", Rank = 1, Big = 10, Flag = true, Shade = Shade.Red, At = T0, Tags = ["x"], Main = new ContractPart { Code = "m1" } });
        Docs.Insert(new ContractDoc { Id = "b", Name = "beta", Note = "n", Rank = 2, Big = 20, Shade = Shade.Green, At = T0.AddHours(1), DoneAt = T0.AddDays(1), Score = 5, Tags = ["x", "y"] });
        Docs.Insert(new ContractDoc { Id = "c", Name = "Gamma", Note = "o'clock", Rank = 3, Big = 30, Flag = true, Shade = Shade.Blue, At = T0.AddHours(2), DoneAt = T0.AddDays(2), Score = 7, Main = new ContractPart { Code = "m2" } });
        Docs.Insert(new ContractDoc { Id = "d", Name = "delta", Rank = 4, Big = 40, Shade = Shade.Green, At = T0.AddHours(3), Score = 9, Tags = ["y"] });
    }

    protected static string Ids(IEnumerable<ContractDoc> docs) => string.Join(",", docs.Select(d => d.Id).Order(StringComparer.Ordinal));

    [StoreFact]
    public void Every_kind_of_field_comes_back_as_it_went_in()
    {
        var doc = new ContractDoc
        {
            Id = "all", Name = "Zoë \"quoted\" 'single' \\ back", Note = "note", Rank = -7, Big = long.MaxValue, Flag = true, Shade = Shade.Blue,
            At = T0, DoneAt = T0.AddMinutes(1), Score = 0, Tags = ["one", "two"],
            Parts = [new ContractPart { Code = "p1", Weight = 3, Shade = Shade.Green }, new ContractPart { Code = "p2", Weight = -1 }],
            Main = new ContractPart { Code = "main", Weight = 9, Shade = Shade.Blue }, Blob = [0, 1, 2, 127, 128, 255],
        };
        Docs.Insert(doc);
        Docs.Insert(new ContractDoc { Id = "edges", At = DateTime.MinValue, DoneAt = DateTime.MaxValue });

        var back = Docs.FindById("all")!;
        Assert.Equal(doc.Name, back.Name);
        Assert.Equal("note", back.Note);
        Assert.Equal(-7, back.Rank);
        Assert.Equal(long.MaxValue, back.Big);
        Assert.True(back.Flag);
        Assert.Equal(Shade.Blue, back.Shade);
        Assert.Equal(T0, back.At);
        Assert.Equal(DateTimeKind.Utc, back.At.Kind);
        Assert.Equal(T0.AddMinutes(1), back.DoneAt);
        Assert.Equal(DateTimeKind.Utc, back.DoneAt!.Value.Kind);
        Assert.Equal(0, back.Score);
        Assert.Equal(["one", "two"], back.Tags);
        Assert.Equal(["p1:3:Green", "p2:-1:Red"], back.Parts.Select(p => $"{p.Code}:{p.Weight}:{p.Shade}"));
        Assert.Equal("main:9:Blue", $"{back.Main!.Code}:{back.Main.Weight}:{back.Main.Shade}");
        Assert.Equal(doc.Blob, back.Blob);

        var edges = Docs.FindById("edges")!;
        Assert.Equal(DateTime.MinValue, edges.At);
        Assert.Equal(DateTime.MaxValue, edges.DoneAt);
        Assert.Null(edges.Note);
        Assert.Null(edges.Score);
        Assert.Null(edges.Main);
        Assert.Empty(edges.Tags);
        Assert.Null(Docs.FindById("nobody"));
    }

    [StoreFact]
    public void A_duplicate_id_is_refused_and_the_transaction_around_it_still_commits()
    {
        Store.InTransaction(() =>
        {
            Docs.Insert(new ContractDoc { Id = "a", Name = "first" });
            Assert.Throws<DuplicateKeyException>(() => Docs.Insert(new ContractDoc { Id = "a", Name = "second" }));
            Docs.Insert(new ContractDoc { Id = "b", Name = "after" });
            return 0;
        });
        Assert.Equal("first", Docs.FindById("a")!.Name);
        Assert.Equal("after", Docs.FindById("b")!.Name);
        Assert.Equal(2, Docs.Count());
    }

    [StoreFact]
    public void A_unique_index_refuses_a_second_document_with_the_same_value()
    {
        Docs.EnsureIndex(x => x.Name, unique: true);
        Docs.EnsureIndex(x => x.Name, unique: true);
        Docs.Insert(new ContractDoc { Id = "a", Name = "same" });
        Assert.Throws<DuplicateKeyException>(() => Docs.Insert(new ContractDoc { Id = "b", Name = "same" }));
        Docs.Insert(new ContractDoc { Id = "c", Name = "other" });
        Assert.Equal("a,c", Ids(Docs.FindAll()));
    }

    [StoreFact]
    public void Update_upsert_and_delete_say_what_they_did()
    {
        Assert.False(Docs.Update(new ContractDoc { Id = "a", Name = "ghost" }));
        Assert.Equal(0, Docs.Count());

        Assert.True(Docs.Upsert(new ContractDoc { Id = "a", Name = "one" }));
        Assert.False(Docs.Upsert(new ContractDoc { Id = "a", Name = "two" }));
        Assert.Equal("two", Docs.FindById("a")!.Name);

        Assert.True(Docs.Update(new ContractDoc { Id = "a", Name = "three", Rank = 3 }));
        Assert.Equal(3, Docs.FindById("a")!.Rank);

        Assert.True(Docs.Delete("a"));
        Assert.False(Docs.Delete("a"));
        Assert.Null(Docs.FindById("a"));
    }

    [StoreFact]
    public void DeleteMany_removes_what_the_filter_names_and_DeleteAll_the_rest()
    {
        Seed();
        Assert.Equal(2, Docs.DeleteMany(x => x.Shade == Shade.Green));
        Assert.Equal("a,c", Ids(Docs.FindAll()));
        Assert.Equal(0, Docs.DeleteMany(x => x.Name == "nobody"));
        Assert.Equal(2, Docs.DeleteAll());
        Assert.Equal(0, Docs.Count());
    }

    [StoreFact]
    public void Comparisons_on_strings_numbers_and_ids()
    {
        Seed();
        var min = 2;
        Assert.Equal("b", Ids(Docs.Find(x => x.Name == "beta")));
        Assert.Equal("a,c,d", Ids(Docs.Find(x => x.Name != "beta")));
        Assert.Equal("c,d", Ids(Docs.Find(x => x.Rank > 2)));
        Assert.Equal("b,c,d", Ids(Docs.Find(x => x.Rank >= min)));
        Assert.Equal("a", Ids(Docs.Find(x => x.Rank < min)));
        Assert.Equal("a,b", Ids(Docs.Find(x => x.Rank <= 2)));
        Assert.Equal("b,c,d", Ids(Docs.Find(x => 1 < x.Rank)));
        Assert.Equal("b", Ids(Docs.Find(x => x.Big == 20L)));
        Assert.Equal("c,d", Ids(Docs.Find(x => x.Big > 25)));
        Assert.Equal("c", Ids(Docs.Find(x => x.Id == "c")));
        Assert.Equal("a,b,d", Ids(Docs.Find(x => x.Id != "c")));
    }

    [StoreFact]
    public void Comparisons_on_dates_and_nullable_fields()
    {
        Seed();
        var from = T0.AddHours(1);
        Assert.Equal("b,c", Ids(Docs.Find(x => x.At >= from && x.At < T0.AddHours(3))));
        Assert.Equal("a,d", Ids(Docs.Find(x => x.DoneAt == null)));
        Assert.Equal("b,c", Ids(Docs.Find(x => x.DoneAt != null)));
        Assert.Equal("c", Ids(Docs.Find(x => x.DoneAt > T0.AddHours(36))));
        Assert.Equal("c", Ids(Docs.Find(x => x.DoneAt!.Value > T0.AddHours(36))));
        // A null sorts below every value (LiteDB's order): it is "less than" any date.
        Assert.Equal("a,b,d", Ids(Docs.Find(x => x.DoneAt < T0.AddHours(36))));
        Assert.Equal("a,d", Ids(Docs.Find(x => x.Note == null)));
        Assert.Equal("b,c", Ids(Docs.Find(x => x.Note != null)));
        Assert.Equal("c,d", Ids(Docs.Find(x => x.Score >= 7)));
        Assert.Equal("c,d", Ids(Docs.Find(x => x.Score!.Value > 5)));
        Assert.Equal("b", Ids(Docs.Find(x => x.Score == 5)));
    }

    [StoreFact]
    public void Booleans_enums_and_the_logical_operators()
    {
        Seed();
        var green = Shade.Green;
        Assert.Equal("a,c", Ids(Docs.Find(x => x.Flag)));
        Assert.Equal("b,d", Ids(Docs.Find(x => !x.Flag)));
        Assert.Equal("b,d", Ids(Docs.Find(x => x.Flag == false)));
        Assert.Equal("b,d", Ids(Docs.Find(x => x.Shade == Shade.Green)));
        Assert.Equal("a,c", Ids(Docs.Find(x => x.Shade != green)));
        Assert.Equal("c", Ids(Docs.Find(x => x.Rank > 1 && (x.Shade == Shade.Red || x.Flag))));
        Assert.Equal("b", Ids(Docs.Find(x => !(x.Rank > 2 || x.Name == "Alpha"))));
        // A null is not equal to "n", so it passes the negation.
        Assert.Equal("a,c,d", Ids(Docs.Find(x => !(x.Note == "n"))));
        Assert.Equal("c", Ids(Docs.Find(x => x.Main!.Code == "m2")));
    }

    [StoreFact]
    public void Contains_in_both_directions()
    {
        Seed();
        var wanted = new List<string> { "a", "c", "zz" };
        var ranks = new List<int> { 1, 4 };
        var shades = new List<Shade> { Shade.Red, Shade.Blue };
        var names = new List<string> { "beta", "Gamma" };
        var none = new List<string>();
        Assert.Equal("a,c", Ids(Docs.Find(x => wanted.Contains(x.Id))));
        Assert.Equal("a,d", Ids(Docs.Find(x => ranks.Contains(x.Rank))));
        Assert.Equal("a,c", Ids(Docs.Find(x => shades.Contains(x.Shade))));
        Assert.Equal("b,c", Ids(Docs.Find(x => names.Contains(x.Name))));
        Assert.Equal("a,d", Ids(Docs.Find(x => !names.Contains(x.Name))));
        Assert.Equal("", Ids(Docs.Find(x => none.Contains(x.Name))));
        Assert.Equal("b,d", Ids(Docs.Find(x => x.Tags.Contains("y"))));
        Assert.Equal("a,c", Ids(Docs.Find(x => !x.Tags.Contains("y"))));
    }

    [StoreFact]
    public void StartsWith_on_a_string_field_or_the_id()
    {
        Seed();
        Docs.Insert(new ContractDoc { Id = "months:2026-03", Name = "100%_\\x" });
        Docs.Insert(new ContractDoc { Id = "months:2026-04", Name = "100a" });
        Assert.Equal("months:2026-03,months:2026-04", Ids(Docs.Find(x => x.Id.StartsWith("months:"))));
        Assert.Equal("a", Ids(Docs.Find(x => x.Name.StartsWith("Al", StringComparison.Ordinal))));
        // The prefix's % and _ are characters, not wildcards.
        Assert.Equal("months:2026-03", Ids(Docs.Find(x => x.Name.StartsWith("100%_\\"))));
        Assert.Equal("a,b,c,d", Ids(Docs.Find(x => !x.Id.StartsWith("months:"))));
    }

    [StoreFact]
    public void A_value_with_quotes_and_sql_in_it_is_only_data()
    {
        Seed();
        const string nasty = "x'); DROP TABLE things; -- \" $1 @p0 ?";
        Docs.Insert(new ContractDoc { Id = nasty, Name = nasty, Tags = [nasty] });
        Assert.Equal(nasty, Assert.Single(Docs.Find(x => x.Name == nasty)).Id);
        Assert.Equal(nasty, Docs.FindById(nasty)!.Name);
        Assert.Equal(nasty, Assert.Single(Docs.Find(x => x.Tags.Contains(nasty))).Id);
        Assert.Equal(5, Docs.Count());
    }

    [StoreFact]
    public void Ordering_with_skip_and_limit()
    {
        Seed();
        // Ordinal: capitals before lower case ("Gamma" before "beta"), where a culture would put beta second.
        Assert.Equal(["a", "c", "b", "d"], Docs.Find(null, x => x.Name).Select(x => x.Id));
        Assert.Equal(["c", "b"], Docs.Find(null, x => x.Name, skip: 1, limit: 2).Select(x => x.Id));
        Assert.Equal(["d", "c", "b", "a"], Docs.Find(null, x => x.At, descending: true).Select(x => x.Id));
        Assert.Equal(["c", "b"], Docs.Find(null, x => x.Rank, descending: true, skip: 1, limit: 2).Select(x => x.Id));
        Assert.Equal(["d", "b"], Docs.Find(x => x.Shade == Shade.Green, x => x.Rank, descending: true).Select(x => x.Id));
        Assert.Equal(["b", "c"], Docs.Find(x => x.Rank > 1, 0, 2).Select(x => x.Id).Order(StringComparer.Ordinal));
        Assert.Equal(2, Docs.Find(x => x.Rank > 0, skip: 2).Count);
    }

    [StoreFact]
    public void After_pages_through_every_document_once_in_ordinal_order()
    {
        var prefixes = new[] { "A", "b", "C", "a", "B", "c" };
        var ids = Enumerable.Range(0, 2_500).Select(i => $"{prefixes[i % prefixes.Length]}{i}").ToList();
        Assert.Equal(2_500, Docs.InsertBulk(ids.Select(id => new ContractDoc { Id = id, Name = id })));

        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = Docs.After(after, 100);
            if (page.Count == 0) break;
            Assert.True(page.Count <= 100);
            seen.AddRange(page.Select(d => d.Id));
            after = page[^1].Id;
        }
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
    }

    [StoreFact]
    public void Long_ids_are_given_one_two_three()
    {
        var numbered = Store.Collection<NumberedDoc>("numbered");
        var docs = Enumerable.Range(0, 3).Select(i => new NumberedDoc { Text = $"n{i}" }).ToList();
        foreach (var doc in docs) numbered.Insert(doc);
        Assert.Equal([1L, 2L, 3L], docs.Select(d => d.Id));
        Assert.Equal("n1", numbered.FindById(2L)!.Text);
        Assert.Equal([3L], numbered.Find(x => x.Id > 2).Select(x => x.Id));
        Assert.Same(numbered, Store.Collection<NumberedDoc>("numbered"));
    }

    [StoreFact]
    public void A_transaction_that_throws_keeps_nothing_and_runs_no_after_commit()
    {
        var ran = false;
        Assert.Throws<InvalidOperationException>(() => Store.InTransaction<int>(() =>
        {
            Docs.Insert(new ContractDoc { Id = "a" });
            Store.AfterCommit(() => ran = true);
            throw new InvalidOperationException("no");
        }));
        Assert.False(ran);
        Assert.Equal(0, Docs.Count());
        Assert.Null(Docs.FindById("a"));
    }

    [StoreFact]
    public void After_commit_runs_once_the_transaction_has_committed()
    {
        var ranInside = true;
        ContractDoc? seenAfter = null;
        var result = Store.InTransaction(() =>
        {
            Docs.Insert(new ContractDoc { Id = "a", Name = "kept" });
            Store.AfterCommit(() => seenAfter = Docs.FindById("a"));
            ranInside = seenAfter is not null;
            return 42;
        });
        Assert.Equal(42, result);
        Assert.False(ranInside);
        Assert.Equal("kept", seenAfter?.Name);

        var now = false;
        Store.AfterCommit(() => now = true);
        Assert.True(now);
    }

    [StoreFact]
    public void Nested_transactions_commit_once_at_the_outermost()
    {
        Store.InTransaction(() =>
        {
            Docs.Insert(new ContractDoc { Id = "a" });
            Store.InTransaction(() => { Docs.Insert(new ContractDoc { Id = "b" }); return 0; });
            Assert.Equal(2, Docs.Count());
            return 0;
        });
        Assert.Equal("a,b", Ids(Docs.FindAll()));

        // The inner one did not commit on its own: the outer's failure takes it back too.
        Assert.Throws<InvalidOperationException>(() => Store.InTransaction<int>(() =>
        {
            Store.InTransaction(() => { Docs.Insert(new ContractDoc { Id = "c" }); return 0; });
            throw new InvalidOperationException("no");
        }));
        Assert.Null(Docs.FindById("c"));
    }

    [StoreFact]
    public void Increment_from_eight_threads_loses_nothing()
    {
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < 50; i++) Store.Increment("counters", "hits", 1);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(400, Store.Collection<CounterDoc>("counters").FindById("hits")!.Count);
        Store.Increment("counters", "hits", -10);
        Assert.Equal(390, Store.Collection<CounterDoc>("counters").FindById("hits")!.Count);
    }

    [StoreFact]
    public void UpsertWhen_writes_a_new_document_and_replaces_only_one_that_matches()
    {
        Assert.True(Docs.UpsertWhen(new ContractDoc { Id = "lease", Name = "host-a", Rank = 1 }, held => held.Name == "host-a"));
        // Held by another and not matching: left as it is.
        Assert.False(Docs.UpsertWhen(new ContractDoc { Id = "lease", Name = "host-b", Rank = 2 }, held => held.Name == "host-b" || held.Rank > 5));
        Assert.Equal("host-a", Docs.FindById("lease")!.Name);
        // Its holder renews it; then another takes it once the condition says it may.
        Assert.True(Docs.UpsertWhen(new ContractDoc { Id = "lease", Name = "host-a", Rank = 9 }, held => held.Name == "host-a"));
        Assert.True(Docs.UpsertWhen(new ContractDoc { Id = "lease", Name = "host-b", Rank = 2 }, held => held.Name == "host-b" || held.Rank > 5));
        Assert.Equal("host-b", Docs.FindById("lease")!.Name);
        Assert.Equal(1, Docs.Count());
    }

    [StoreFact]
    public void UpsertWhen_from_many_threads_lets_exactly_one_take_a_free_lease()
    {
        var winners = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var me = "host-" + i;
            if (Docs.UpsertWhen(new ContractDoc { Id = "free", Name = me }, held => held.Name == me)) winners.Add(me);
        });
        Assert.Single(winners);
        Assert.Equal(winners.Single(), Docs.FindById("free")!.Name);
    }

    [StoreFact]
    public void Count_exists_and_find_one()
    {
        Seed();
        Assert.Equal(4, Docs.Count());
        Assert.Equal(2, Docs.Count(x => x.Flag));
        Assert.True(Docs.Exists(x => x.Name == "delta"));
        Assert.False(Docs.Exists(x => x.Name == "Delta"));
        Assert.Equal("c", Docs.FindOne(x => x.Rank == 3)?.Id);
        Assert.Null(Docs.FindOne(x => x.Rank == 99));
        Assert.True(Store.IsOpen());
        Assert.Same(Docs, Store.Collection<ContractDoc>("things"));
    }
}

/// <summary>On a concrete contract class: its cases need PostgreSQL (skipped where there is none, failed in CI).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NeedsPostgresAttribute : Attribute;

/// <summary>A contract case: a <see cref="FactAttribute"/> that a <see cref="NeedsPostgresAttribute"/> class skips as <see cref="PostgresFactAttribute"/> does.</summary>
[XunitTestCaseDiscoverer("Jasmine.Bots.Tests.Storage.StoreFactDiscoverer", "Jasmine.Bots.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>The attribute alone cannot tell which subclass runs the inherited case; the discoverer sees the concrete class.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(NeedsPostgresAttribute)).Any();
        if (needsPostgres && TestPostgres.ConnectionString is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            return [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod, "No PostgreSQL (run deploy/ci-prereqs.sh, or set JASMINE_TEST_POSTGRES)")];
        }
        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
