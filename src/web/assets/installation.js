// Scheduling form: a USB scanner types the code then Enter. In the "Ordinateur" field, Enter
// moves on to the next field instead of submitting a half-filled form; in the extra devices'
// textarea it already starts a new line, ready for the next scan.
const form = document.querySelector('form[data-kit]');
if (form) {
  for (const input of form.querySelectorAll('input[data-scan]')) {
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.isComposing) return;
      event.preventDefault();
      input.value = input.value.trim();
      const fields = [...form.querySelectorAll('input:not([type=hidden]), textarea, select, button')];
      fields[fields.indexOf(input) + 1]?.focus();
    });
  }
}
