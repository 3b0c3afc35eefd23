using System.Globalization;
using System.Text;
using Jasmine.Bots.Admin;
using Jasmine.Bots.Places;

namespace Jasmine.Bots.Help;

/// <summary>
/// <c>services import|export|list</c>: the support directory as a spreadsheet for outreach staff. A file path is read
/// by the process that runs the command, i.e. the running host when there is one: give an absolute path.
/// </summary>
public sealed class ServicesCommand(SupportServiceStore services) : IAdminCommand
{
    public string Name => "services";
    public string Usage => "services import <file.csv> | import-finess <etalab-cs1100507-stock.csv> | export [<file.csv>] | list   the support directory (CSV columns: "
        + string.Join(",", SupportDirectory.CsvColumns) + "; import-finess reads the public FINESS extract of geolocated establishments and keeps "
        + "CeGIDD, family planning, CAARUD, CSAPA and hospitals, re-import replaces)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var verb = args.Count > 0 ? args[0] : throw new UsageException("Say import, export or list.");
        switch (verb)
        {
            case "import" when args.Count == 2:
                return await ImportAsync(args[1], output, ct);
            case "import-finess" when args.Count == 2:
                return await ImportFinessAsync(args[1], output, ct);
            case "export" when args.Count is 1 or 2:
                if (args.Count == 1)
                {
                    SupportDirectory.WriteCsv(output, services.List());
                    return 0;
                }
                await using (var writer = new StreamWriter(args[1], append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
                    SupportDirectory.WriteCsv(writer, services.List());
                await output.WriteLineAsync($"{services.List().Count} service(s) written to {Path.GetFullPath(args[1])}.");
                return 0;
            case "list" when args.Count == 1:
                foreach (var s in services.List())
                {
                    var flags = (SupportServiceStore.IsNationalLine(s) ? " [national line]" : "") + (s.Hidden ? " [hidden]" : "");
                    var where = SupportServiceStore.IsNationalLine(s) ? "" : $" - {s.Postcode} {s.Town}".TrimEnd();
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{s.Id} ({s.Kind}){flags}: {s.Name}{where}"));
                }
                return 0;
            default:
                throw new UsageException($"Unknown or incomplete services command '{string.Join(' ', args)}'.");
        }
    }

    private async Task<int> ImportFinessAsync(string path, TextWriter output, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            await output.WriteLineAsync($"No file at {Path.GetFullPath(path)} (a running host reads paths from its own directory: give an absolute path).");
            return 1;
        }
        FinessExtract.Result result;
        try
        {
            result = FinessExtract.Read(new StringReader(FinessExtract.Decode(await File.ReadAllBytesAsync(path, ct))));
        }
        catch (FormatException e)
        {
            await output.WriteLineAsync($"Not imported: {e.Message}");
            return 1;
        }
        var shownBefore = services.CountShown(FinessExtract.IdPrefix);
        var (added, updated) = services.Upsert(result.Services);
        var skipped = string.Join(", ", result.Skipped.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Value} {k.Key}"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Imported {result.Services.Count} service(s) from {result.Establishments} FINESS establishment(s): {added} added, {updated} updated{(skipped.Length > 0 ? "; left out: " + skipped : "")}."));
        // The extract is the full list: what it no longer has has closed or merged. A file far smaller than what is
        // there (a filtered or cut extract) must not hide half of France, so then nothing is hidden.
        if (result.Services.Count * 2 < shownBefore)
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Nothing hidden: this extract has {result.Services.Count} services where {shownBefore} FINESS services are shown; it does not look like the full extract."));
        else
        {
            var hidden = services.HideMissing(FinessExtract.IdPrefix, result.Services.Select(s => s.Id).ToHashSet(StringComparer.Ordinal));
            if (hidden > 0)
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Hidden: {hidden} FINESS service(s) no longer in the extract (closed or merged; `services list` shows them, the console can show one again)."));
        }
        foreach (var kind in result.Services.GroupBy(s => s.Kind).OrderBy(g => g.Key))
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {kind.Key}: {kind.Count()}"));
        return 0;
    }

    private async Task<int> ImportAsync(string path, TextWriter output, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            await output.WriteLineAsync($"No file at {Path.GetFullPath(path)} (a running host reads paths from its own directory: give an absolute path).");
            return 1;
        }
        IReadOnlyList<SupportService> rows;
        try
        {
            using var reader = new StreamReader(path);
            rows = SupportDirectory.ReadCsv(reader);
        }
        catch (FormatException e)
        {
            // Nothing is imported from a file with an error: half a directory is worse than yesterday's.
            await output.WriteLineAsync($"Not imported: {e.Message}");
            return 1;
        }
        ct.ThrowIfCancellationRequested();
        var (added, updated) = services.Upsert(rows);
        await output.WriteLineAsync($"Imported {rows.Count} service(s): {added} added, {updated} updated.");
        return 0;
    }
}
