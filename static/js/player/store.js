/* JSON values in localStorage under one prefix. localStorage is shared by the tabs of the
   browser, so every read goes back to it. When the browser refuses storage (private mode,
   a full quota) a value lives in memory instead: the page still works, it only forgets on
   reload. */

function storage() {
  try {
    const probe = '__zhixin_probe__';
    window.localStorage.setItem(probe, probe);
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch (error) {
    return null;
  }
}

export class Store {
  constructor(prefix) {
    this.prefix = prefix;
    this.local = storage();
    this.memory = new Map();  // the values that could not be written to localStorage
  }

  get(name, fallback) {
    const key = this.prefix + name;
    if (this.memory.has(key)) return this.memory.get(key);
    if (!this.local) return fallback;
    try {
      const raw = this.local.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (error) {
      return fallback;
    }
  }

  set(name, value) {
    const key = this.prefix + name;
    try {
      if (!this.local) throw new Error('no storage');
      this.local.setItem(key, JSON.stringify(value));
      this.memory.delete(key);
    } catch (error) {
      this.memory.set(key, value);
    }
  }

  remove(name) {
    const key = this.prefix + name;
    this.memory.delete(key);
    if (this.local) this.local.removeItem(key);
  }

  /** Names under this prefix that begin with ``start``. */
  names(start) {
    const full = this.prefix + start;
    const found = new Set([...this.memory.keys()].filter((key) => key.startsWith(full)));
    if (this.local) {
      for (let i = 0; i < this.local.length; i += 1) {
        const key = this.local.key(i);
        if (key && key.startsWith(full)) found.add(key);
      }
    }
    return [...found].map((key) => key.slice(this.prefix.length));
  }
}
