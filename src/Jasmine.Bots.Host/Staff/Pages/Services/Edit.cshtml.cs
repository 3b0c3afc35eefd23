using Jasmine.Bots.Help;
using Jasmine.Bots.Places;
using Microsoft.AspNetCore.Mvc;

namespace Jasmine.Bots.Staff.Pages.Services;

public sealed class ServiceForm
{
    public string Id { get; set; } = "";
    public ServiceKind Kind { get; set; }
    public string Name { get; set; } = "";
    public string Address { get; set; } = "";
    public string Postcode { get; set; } = "";
    public string Town { get; set; } = "";
    public double Latitude { get; set; }
    public double Longitude { get; set; }
    public string Phone { get; set; } = "";
    public string OpeningHours { get; set; } = "";
    public string Languages { get; set; } = "";
    public bool SexWorkerFriendly { get; set; }
    public bool Hidden { get; set; }

    public static ServiceForm From(SupportService s) => new()
    {
        Id = s.Id, Kind = s.Kind, Name = s.Name, Address = s.Address, Postcode = s.Postcode, Town = s.Town, Latitude = s.Latitude,
        Longitude = s.Longitude, Phone = s.Phone, OpeningHours = s.OpeningHours, Languages = string.Join(' ', s.Languages),
        SexWorkerFriendly = s.SexWorkerFriendly, Hidden = s.Hidden,
    };

    public SupportService ToService() => new(Id.Trim(), Kind, Name.Trim(), Address.Trim(), Postcode.Trim(), Town.Trim(), Latitude, Longitude, Phone.Trim(),
        OpeningHours.Trim(), Languages.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries), SexWorkerFriendly, Hidden);
}

/// <summary>Add or edit one service; the store validates it as it would a CSV row.</summary>
public sealed class ServiceEditModel(SupportServiceStore directory) : StaffPage
{
    [BindProperty] public ServiceForm Form { get; set; } = new();
    public bool IsNew { get; private set; }
    public string? Error { get; private set; }

    public IActionResult OnGet(string? id)
    {
        IsNew = id is null;
        if (id is null) return Page();
        var s = directory.Get(id);
        if (s is null) return NotFound();
        Form = ServiceForm.From(s);
        return Page();
    }

    public IActionResult OnPost(string? id, bool isNew)
    {
        IsNew = isNew;
        if (!isNew) Form.Id = id ?? Form.Id;
        if (!ModelState.IsValid) { Error = string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage)); return Page(); }
        try
        {
            if (isNew) directory.Add(Form.ToService());
            else directory.Update(Form.ToService());
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException)
        {
            // Validation messages name the service and the field, never a person: safe to show.
            Error = e.Message;
            return Page();
        }
        return Done("service.saved", isNew ? "service.add" : "service.edit", Form.Id.Trim(), "/Services/Index");
    }
}
