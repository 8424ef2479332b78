import pytest

from contest.errors import DomainError, ValidationFailed
from contest.models import User
from contest.services.accounts import user_register, user_verify_email
from tests import factories


@pytest.mark.django_db
def test_register_sends_verification_mail_through_the_queue(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = user_register(
            email=" New.Teacher@Example.CN ", password=factories.PASSWORD, real_name="王 喆"
        )
    assert user.email == "new.teacher@example.cn"
    assert user.real_name == "王 喆"
    assert not user.email_verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.teacher@example.cn"]
    assert "/accounts/verify/" in mailoutbox[0].body


@pytest.mark.django_db
def test_duplicate_email_is_case_insensitive():
    factories.UserFactory(email="dup@example.cn")
    with pytest.raises(ValidationFailed) as err:
        user_register(email="DUP@example.CN", password=factories.PASSWORD, real_name="李珺")
    assert "email" in err.value.fields
    assert User.objects.filter(email__iexact="dup@example.cn").count() == 1


@pytest.mark.django_db
def test_weak_password_is_refused_and_nothing_saved():
    with pytest.raises(ValidationFailed) as err:
        user_register(email="weak@example.cn", password="12345678", real_name="张堃")
    assert "password" in err.value.fields
    assert not User.objects.filter(email="weak@example.cn").exists()


@pytest.mark.django_db
def test_verification_link_works_once(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_register(email="once@example.cn", password=factories.PASSWORD, real_name="陈淼")
    path = mailoutbox[0].body.split("/accounts/verify/")[1].split()[0]
    uid, token = path.strip("/").split("/")
    assert user_verify_email(uidb64=uid, token=token).email_verified
    with pytest.raises(DomainError):
        user_verify_email(uidb64=uid, token=token)
