// On a phone the menu folds behind a "Menu" button (a disclosure), so the page starts near the
// top of the screen. Without this script the menu simply stays open: nothing is out of reach.
const button = document.querySelector('.menu-toggle');
const menu = button && document.getElementById(button.getAttribute('aria-controls'));
if (button && menu) {
  const set = (open) => {
    button.setAttribute('aria-expanded', String(open));
    menu.classList.toggle('open', open);
  };
  button.hidden = false;
  menu.classList.add('folding');
  set(false);
  button.addEventListener('click', () => set(button.getAttribute('aria-expanded') !== 'true'));
  menu.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && button.getAttribute('aria-expanded') === 'true' && getComputedStyle(button).display !== 'none') {
      set(false);
      button.focus();
    }
  });
}
