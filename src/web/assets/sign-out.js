// Signing out forgets the attendance taps this device still holds: on a shared tablet the next
// person signed in must never send the previous trainer's taps under their own name.
const PREFIX = 'ordipratique:presences:';
for (const form of document.querySelectorAll('form[action="/deconnexion"], form[action="/deconnexion-partout"]')) {
  form.addEventListener('submit', () => {
    for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key);
  });
}
