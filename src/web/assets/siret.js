// SIRET checked as it is typed (14 digits, Luhn key), the same rule the server applies.
const input = document.querySelector('input[name="siret"]');
if (input) {
  const message = document.createElement('p');
  message.className = 'field-error';
  message.id = 'siret-live';
  message.setAttribute('aria-live', 'polite');
  input.after(message);
  const luhn = (digits) =>
    [...digits].reverse().reduce((sum, c, i) => {
      let d = Number(c);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      return sum + d;
    }, 0) % 10 === 0;
  input.addEventListener('input', () => {
    const digits = input.value.replace(/\s+/g, '');
    let text = '';
    if (digits && !/^\d*$/.test(digits)) text = 'Le SIRET ne contient que des chiffres.';
    else if (digits.length === 14 && !luhn(digits)) text = 'Ce SIRET n’est pas valide : vérifiez les chiffres.';
    else if (digits.length > 14) text = 'Le SIRET compte 14 chiffres.';
    message.textContent = text;
    input.setAttribute('aria-invalid', text ? 'true' : 'false');
  });
}
