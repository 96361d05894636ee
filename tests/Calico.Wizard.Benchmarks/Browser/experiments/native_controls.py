"""Rewrites a clone's Network step with the browser's own controls (controls-study.sh runs it; never on the checkout).

radios: each MudRadioGroup/MudRadio of NetworkStep.razor becomes <input type="radio"> in a role="radiogroup" <div>,
        with the same data-testid, checked/disabled state and change handler.
all:    that, and WizardTextField's MudTextField becomes a labelled <input> (same id, test id, value, input handler,
        aria attributes) with its helper text.
"""
import re
import sys

variant = sys.argv[1] if len(sys.argv) > 1 else ""
if variant not in ("radios", "all"):
    sys.exit("usage: native_controls.py radios|all")

step = "src/Calico.Wizard/Features/CreateCluster/NetworkStep.razor"
text = open(step, encoding="utf-8").read()
group = re.compile(r'<MudRadioGroup T="(\w+)" Value="@([^"]+)" ValueChanged="@\((v => .*?)\)">\n(.*?)</MudRadioGroup>', re.S)
radio = re.compile(r'<MudRadio T="\w+" Value="([^"]+)"(?: Disabled="@\(([^"]*)\)")? data-testid="((?:@\(\$"[^"]*"\))|[^"]*)">(.*?)</MudRadio>')
groups = 0


def native_group(m):
    global groups
    groups += 1
    kind, value, handler, body = m.groups()

    def native_radio(r):
        option, disabled, test_id, label = r.groups()
        disabled_attr = f' disabled="@({disabled})"' if disabled else ""
        return (f'<label class="wizard-radio"><input type="radio" name="radios-{groups}" checked="@({value} == {option})"{disabled_attr} '
                f'@onchange="@(() => ((Func<{kind}, Task>)({handler}))({option}))" data-testid="{test_id}" />{label}</label>')

    return f'<div role="radiogroup" class="wizard-radios">\n{radio.sub(native_radio, body)}</div>'


text = group.sub(native_group, text)
if groups == 0 or "MudRadio" in text:
    sys.exit(f"{step}: {groups} radio groups rewritten, {text.count('MudRadio')} MudRadio left: the step changed since the study; update this script")
open(step, "w", encoding="utf-8").write(text)
print(f"{step}: {groups} radio groups as native radios")

if variant == "all":
    field = "src/Calico.Wizard/Features/CreateCluster/WizardTextField.razor"
    text = open(field, encoding="utf-8").read()
    start = text.find("<MudTextField")
    if start < 0:
        sys.exit(f"{field}: no MudTextField: the field changed since the study; update this script")
    end = text.index("/>", start) + 2
    text = text[:start] + '''<div class="wizard-input"><label for="@TestId">@Label</label>
    <input id="@TestId" value="@Get(State.Draft)" @oninput="@(e => OnChangedAsync(e.Value as string))" disabled="@Disabled" inputmode="@InputMode.ToString()" placeholder="@Placeholder" autocomplete="off" spellcheck="false" data-testid="@TestId" aria-describedby="@($"{TestId}-error {TestId}-helper-text")" aria-invalid="@(Message is not null ? "true" : "false")" />
    <p id="@($"{TestId}-helper-text")">@HelperText</p></div>''' + text[end:]
    open(field, "w", encoding="utf-8").write(text)
    print(f"{field}: MudTextField as a labelled <input>")
