import type { Category } from '../../../ingest/site/register-schema.ts'
import type { HazardJson } from '../../../register/hazard-view.ts'
import { reportTexts } from '../../../register/report-texts.ts'
import type { GradeJson } from '../../../register/risk-keeper.ts'
import { ApiError, api, Unauthorized } from './api.ts'
import { h } from './dom.ts'
import { currentLocale, dateTime, floorName, t } from './i18n.ts'
import { gradeWord } from './risk-badge.ts'

/** A building as the form offers it. */
export interface BuildingChoice {
  id: string
  name: string
}

/**
 * The hazard register (隐患台账) on the wall: the risk grade of each building with the factors
 * behind it, the hazards the token may see, and a form to report one (docs/register.md). Each
 * step of a hazard is taken over the API (POST /api/v1/hazards/{id}/{action}).
 */
export class RegisterView {
  private readonly grades = h('table', { class: 'register-grades' })
  private readonly hazards = h('table', { class: 'register-hazards' })
  private readonly note = h('p', { class: 'load-note', role: 'status' })
  private readonly form = h('form', { class: 'hazard-form' })
  private readonly formNote = h('p', { class: 'form-note', role: 'status' })
  private categories: Category[] = []

  constructor(
    root: HTMLElement,
    private readonly buildings: () => BuildingChoice[],
    back: () => void,
    private readonly unauthorized: () => void,
  ) {
    const backButton = h('button', { type: 'button', class: 'back' }, t('building.back'))
    backButton.addEventListener('click', back)
    const head = h(
      'div',
      { class: 'building-head' },
      backButton,
      h('h2', { tabindex: '-1' }, t('register.title')),
    )
    this.form.addEventListener('submit', (e) => {
      e.preventDefault()
      void this.submit()
    })
    root.replaceChildren(
      head,
      this.note,
      h('h3', {}, t('register.grades')),
      this.grades,
      h('h3', {}, t('register.hazards')),
      this.hazards,
      h('h3', {}, t('register.report')),
      this.form,
      this.formNote,
    )
    head.querySelector('h2')?.focus()
  }

  async load(): Promise<void> {
    this.note.textContent = t('building.loading')
    try {
      const [grades, hazards, categories] = await Promise.all([
        api<{ grades: GradeJson[] }>('/risk/grades'),
        api<{ hazards: HazardJson[] }>('/hazards?state=all&limit=500'),
        api<{ categories: Category[] }>('/register/categories'),
      ])
      this.categories = categories.categories
      this.drawGrades(grades.grades)
      this.drawHazards(hazards.hazards)
      this.drawForm()
      this.note.textContent = ''
    } catch (err) {
      if (err instanceof Unauthorized) this.unauthorized()
      else this.note.textContent = t('register.loadFailed', { reason: (err as Error).message })
    }
  }

  private nameOf(id: string): string {
    return this.buildings().find((b) => b.id === id)?.name ?? id
  }

  private drawGrades(grades: GradeJson[]): void {
    const words = reportTexts(currentLocale())
    const head = h(
      'tr',
      {},
      ...[
        'register.building',
        'register.grade',
        'register.score',
        'register.factors',
        'register.gradedAt',
      ].map((k) => h('th', {}, t(k as 'register.grade'))),
    )
    const rows = grades.map((g) =>
      h(
        'tr',
        { 'data-building': g.building },
        h('td', {}, this.nameOf(g.building)),
        h(
          'td',
          {},
          h('span', { class: `risk-badge risk-${g.grade}`, 'data-risk': g.grade }, gradeWord(g.grade)),
        ),
        h('td', {}, String(g.score)),
        h(
          'td',
          { class: 'factors' },
          g.factors.length === 0
            ? words.none
            : words.factorList(
                g.factors.map((f) => ({ name: words.factors[f.key], count: f.count, points: f.points })),
              ),
        ),
        h('td', {}, dateTime(g.at)),
      ),
    )
    this.grades.replaceChildren(h('thead', {}, head), h('tbody', {}, ...rows))
  }

  private drawHazards(hazards: HazardJson[]): void {
    const words = reportTexts(currentLocale())
    const keys = [
      'register.code',
      'register.building',
      'register.where',
      'register.category',
      'register.severity',
      'register.state',
      'register.deadline',
      'register.responsible',
      'register.watcher',
    ] as const
    const head = h('tr', {}, ...keys.map((k) => h('th', {}, t(k))))
    const rows = hazards.map((z) => {
      const where = [
        z.location.floor === null ? '' : floorName(z.location.floor),
        z.location.zone ?? '',
        z.location.place ?? '',
      ]
      const state = [
        words.states[z.state],
        z.overdue ? words.overdue : '',
        z.escalation
          ? words.escalated(
              z.escalation.level === null ? '' : words.levels[z.escalation.level],
              z.escalation.supervisor ?? words.defaultSupervisor,
            )
          : '',
      ]
      return h(
        'tr',
        { 'data-hazard': z.code, 'data-state': z.state },
        h('td', {}, z.code),
        h('td', {}, this.nameOf(z.building)),
        h('td', {}, where.filter((w) => w !== '').join(' · ')),
        h('td', {}, this.categoryName(z.category)),
        h('td', {}, words.severities[z.severity]),
        h('td', {}, state.filter((s) => s !== '').join(' · ')),
        h('td', {}, z.deadline ?? words.none),
        h('td', {}, z.responsible?.name ?? words.none),
        h('td', {}, z.watcher?.name ?? words.none),
      )
    })
    if (rows.length === 0)
      rows.push(h('tr', {}, h('td', { colspan: String(keys.length) }, t('register.empty'))))
    this.hazards.replaceChildren(h('thead', {}, head), h('tbody', {}, ...rows))
  }

  private categoryName(id: string): string {
    const c = this.categories.find((x) => x.id === id)
    return c ? c[currentLocale()] : id
  }

  private drawForm(): void {
    const words = reportTexts(currentLocale())
    const field = (key: Parameters<typeof t>[0], control: HTMLElement) =>
      h('label', {}, h('span', {}, t(key)), control)
    const select = (name: string, options: [string, string][]) =>
      h('select', { name }, ...options.map(([value, label]) => h('option', { value }, label)))
    this.form.replaceChildren(
      field(
        'register.building',
        select(
          'building',
          this.buildings().map((b) => [b.id, b.name]),
        ),
      ),
      field('register.floor', h('input', { name: 'floor', type: 'number', min: '-20', max: '300' })),
      field('register.zone', h('input', { name: 'zone', maxlength: '64' })),
      field('register.place', h('input', { name: 'place', maxlength: '200' })),
      field(
        'register.category',
        select(
          'category',
          this.categories.map((c) => [c.id, c[currentLocale()]]),
        ),
      ),
      field(
        'register.severity',
        select('severity', [
          ['general', words.severities.general],
          ['major', words.severities.major],
        ]),
      ),
      field(
        'register.description',
        h('textarea', { name: 'description', required: '', maxlength: '2000', rows: '3' }),
      ),
      field('register.responsible', h('input', { name: 'responsible', maxlength: '100' })),
      field('register.watcher', h('input', { name: 'watcher', maxlength: '100' })),
      field('register.deadline', h('input', { name: 'deadline', type: 'date' })),
      h('button', { type: 'submit' }, t('register.submit')),
    )
  }

  private async submit(): Promise<void> {
    const data = new FormData(this.form)
    const body: Record<string, unknown> = {}
    for (const [k, v] of data.entries()) {
      const text = String(v).trim()
      if (text !== '') body[k] = k === 'floor' ? Number(text) : text
    }
    try {
      const made = await api<HazardJson>('/hazards', { method: 'POST', body: JSON.stringify(body) })
      this.formNote.textContent = t('register.reported', { code: made.code })
      this.form.reset()
      await this.load()
    } catch (err) {
      if (err instanceof Unauthorized) this.unauthorized()
      else this.formNote.textContent = t('register.refused', { reason: refusal(err) })
    }
  }
}

function refusal(err: unknown): string {
  if (err instanceof ApiError && err.status === 403) return t('register.forbidden')
  if (err instanceof ApiError && err.status === 400) return t('register.badInput')
  return (err as Error).message
}
