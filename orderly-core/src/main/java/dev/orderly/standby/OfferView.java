package dev.orderly.standby;

/** An offer as its link shows it: the offer, its release and the clinic's name. */
public record OfferView(StandbyOffer offer, Release release, String clinicName) {
}
