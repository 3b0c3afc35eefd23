using Jasmine.Bots.Storage;

namespace Jasmine.Bots.Tests.Storage;

/// <summary>The contract on the embedded store, in a file of its own under a temporary folder.</summary>
public sealed class LiteDocumentStoreContractTests : DocumentStoreContractTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("jasmine-docs-").FullName;

    protected override IDocumentStore CreateStore() => new LiteDocumentStore(Path.Combine(_folder, "docs.db"));

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
