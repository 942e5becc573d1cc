import { h } from './dom.ts'
import { t } from './i18n.ts'
import type { Sounder } from './sounder.ts'

/**
 * The bar that says what the sounder does: off (and how to arm it), armed, sounding (with
 * Silence) or silenced. It is always there and always the same height, so that arming it with
 * the first tap moves nothing under the finger.
 */
export class SoundBar {
  private readonly text = h('span', { class: 'sound-text' })
  private readonly armButton = h('button', { type: 'button', class: 'sound-arm' })
  private readonly silenceButton = h('button', { type: 'button', class: 'sound-silence' })
  private readonly testButton = h('button', { type: 'button', class: 'sound-test' })

  constructor(
    private readonly el: HTMLElement,
    private readonly sounder: Sounder,
  ) {
    // The gesture on the button arms the sounder by itself (see Sounder.start).
    this.silenceButton.addEventListener('click', () => sounder.silence())
    this.testButton.addEventListener('click', () => sounder.test())
    el.replaceChildren(this.text, this.armButton, this.silenceButton, this.testButton)
  }

  render(): void {
    const { armed, sounding, silenced } = this.sounder
    const state = !armed ? 'off' : sounding ? 'sounding' : silenced ? 'silenced' : 'armed'
    this.el.className = `sound-bar ${state}`
    this.el.dataset.armed = String(armed)
    this.el.dataset.sounding = sounding ?? ''
    this.text.textContent =
      state === 'off'
        ? t('sound.off')
        : state === 'sounding'
          ? t('sound.sounding', { what: t(sounding === 'fire' ? 'sound.what.fire' : 'sound.what.fault') })
          : state === 'silenced'
            ? t(silenced === 'fault' ? 'sound.silencedFault' : 'sound.silenced')
            : t('sound.armed')
    this.armButton.textContent = t('sound.arm')
    this.silenceButton.textContent = t('sound.silence')
    this.testButton.textContent = t('sound.test')
    // `invisible`, not `hidden`: a button that comes and goes must not change the bar's size.
    this.armButton.classList.toggle('invisible', armed)
    this.silenceButton.classList.toggle('invisible', state !== 'sounding')
    this.testButton.classList.toggle('invisible', state !== 'armed')
    this.silenceButton.tabIndex = state === 'sounding' ? 0 : -1
    this.armButton.tabIndex = armed ? -1 : 0
    this.testButton.tabIndex = state === 'armed' ? 0 : -1
  }
}
