/** A cookie jar with js-cookie's `get`/`set`/`remove` shape that remembers the attributes of each cookie. */
export class FakeCookieJar {
  readonly cookies = new Map<string, { value: string, attributes: Record<string, unknown> }>()
  get(): Record<string, string>
  get(name: string): string | undefined
  get(name?: string): Record<string, string> | string | undefined {
    if (name !== undefined)
      return this.cookies.get(name)?.value
    return Object.fromEntries([...this.cookies].map(([k, v]) => [k, v.value]))
  }

  set(name: string, value: string, attributes: Record<string, unknown> = {}): string {
    this.cookies.set(name, { value, attributes })
    return `${name}=${value}`
  }

  remove(name: string): void {
    this.cookies.delete(name)
  }
}
